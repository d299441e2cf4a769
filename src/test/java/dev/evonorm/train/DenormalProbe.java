package dev.evonorm.train;

import ai.djl.ndarray.NDManager;

/** A child JVM for {@link DenormalFlushTest}: enables the flush, then multiplies two floats whose product is denormal. */
public final class DenormalProbe {
    private DenormalProbe() {
    }

    public static void main(String[] args) {
        System.out.println(DenormalFlush.enable());
        try (NDManager manager = NDManager.newBaseManager()) {
            float product = manager.create(new float[] {1e-30f}).mul(manager.create(new float[] {1e-10f})).getFloat(0);
            System.out.println(product);
        }
    }
}

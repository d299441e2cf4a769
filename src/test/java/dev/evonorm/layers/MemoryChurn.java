package dev.evonorm.layers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Frees what the JVM can free and fills malloc's free lists with NaN, to expose use-after-free reads. */
public final class MemoryChurn {
    private MemoryChurn() {
    }

    /** Collects garbage (running the cleaners of unreachable direct buffers), then refills; keep the result reachable. */
    public static List<ByteBuffer> collectAndRefill() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        List<ByteBuffer> refill = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 16)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(Float.NaN);
            }
            refill.add(b);
        }
        return refill;
    }
}

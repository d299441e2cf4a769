package dev.evonorm.train;

import dev.evonorm.data.Augmentation;
import dev.evonorm.data.DataSplits;
import dev.evonorm.data.DatasetRegistry;
import dev.evonorm.data.ImageDataset;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A small, easily learnable 10-class image set (16×16, one channel): class k lights up a
 * horizontal band at a class-specific row, under noise. Tests train on it in seconds.
 */
public final class SyntheticData {
    public static final int SIDE = 16;

    private SyntheticData() {
    }

    public static DataSplits splits(int train, int validation, long seed) {
        return new DataSplits(DatasetRegistry.FASHION_MNIST, images("synthetic/train", train, seed),
                images("synthetic/validation", validation, seed + 1), images("synthetic/test", validation, seed + 2),
                Optional.empty(), Augmentation.NONE);
    }

    static ImageDataset images(String name, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] pixels = new float[n * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(10);
            labels[i] = k;
            int row = 1 + (k * 14) / 10;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    float v = (float) (rng.nextGaussian() * 0.5);
                    if (y == row || y == row + 1) {
                        v += 2f;
                    }
                    pixels[(i * SIDE + y) * SIDE + x] = v;
                }
            }
        }
        return ImageDataset.of(name, pixels, labels, 1, SIDE, SIDE, 10);
    }
}

package dev.evonorm.data;

import java.util.SplittableRandom;

/**
 * Applies an {@link Augmentation} to one CHW image: a random crop of the original size out of the
 * image zero-padded by {@code p} on each side (offsets uniform in 0..2p), then a horizontal flip
 * with probability 1/2. Padding uses 0, which for normalized data is the channel mean. The random
 * draws come from the caller's generator, so a seeded sampler is deterministic.
 */
public final class Augmenter {
    private final Augmentation augmentation;
    private final int channels;
    private final int height;
    private final int width;

    public Augmenter(Augmentation augmentation, int channels, int height, int width) {
        this.augmentation = augmentation;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Draws the crop offsets and flip, then writes the augmented {@code source} into {@code target}. */
    public void apply(float[] source, int sourceOffset, float[] target, int targetOffset, SplittableRandom random) {
        int padding = augmentation.cropPadding();
        int shiftY = padding > 0 ? random.nextInt(2 * padding + 1) - padding : 0;
        int shiftX = padding > 0 ? random.nextInt(2 * padding + 1) - padding : 0;
        boolean flip = augmentation.horizontalFlip() && random.nextBoolean();
        apply(source, sourceOffset, target, targetOffset, shiftY, shiftX, flip);
    }

    /**
     * The deterministic core: output pixel (y, x) is input pixel (y + shiftY, x' + shiftX), where
     * x' is x or, when flipped, width-1-x; outside the input it is 0. Crop then flip, as usual.
     */
    void apply(float[] source, int sourceOffset, float[] target, int targetOffset, int shiftY, int shiftX,
               boolean flip) {
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int sourceY = y + shiftY;
                int targetRow = targetOffset + plane + y * width;
                if (sourceY < 0 || sourceY >= height) {
                    java.util.Arrays.fill(target, targetRow, targetRow + width, 0f);
                    continue;
                }
                int sourceRow = sourceOffset + plane + sourceY * width;
                for (int x = 0; x < width; x++) {
                    int cropX = flip ? width - 1 - x : x;
                    int sourceX = cropX + shiftX;
                    target[targetRow + x] = sourceX < 0 || sourceX >= width ? 0f : source[sourceRow + sourceX];
                }
            }
        }
    }
}

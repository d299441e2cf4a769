package dev.evonorm.models;

import ai.djl.ndarray.types.Shape;

/**
 * What an architecture is built for: the input images (NCHW, square), the number of classes, and
 * how much to widen or deepen the default network.
 *
 * <p>There is no seed here on purpose: building a network is deterministic, and the random part —
 * initial weights — is drawn by whoever initializes the block (set the engine seed there).
 *
 * @param inputChannels image channels, 1 for Fashion-MNIST, 3 for CIFAR-10
 * @param inputSize height = width of the input, e.g. 28, 32, or 14/16 when downscaled
 * @param classes number of output logits
 * @param widthMultiplier scales every channel count (then rounded to a multiple of 8)
 * @param depthMultiplier scales the number of blocks per stage (rounded up, at least 1)
 */
public record ArchConfig(int inputChannels, int inputSize, int classes, double widthMultiplier,
        double depthMultiplier) {

    /** The smallest input every architecture can downsample without collapsing to nothing. */
    public static final int MIN_INPUT_SIZE = 8;

    public ArchConfig {
        if (inputChannels < 1) {
            throw new IllegalArgumentException("inputChannels must be at least 1, got " + inputChannels);
        }
        if (inputSize < MIN_INPUT_SIZE) {
            throw new IllegalArgumentException("inputSize must be at least " + MIN_INPUT_SIZE + ", got " + inputSize);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (!(widthMultiplier > 0) || Double.isInfinite(widthMultiplier)) {
            throw new IllegalArgumentException("widthMultiplier must be a positive number, got " + widthMultiplier);
        }
        if (!(depthMultiplier > 0) || Double.isInfinite(depthMultiplier)) {
            throw new IllegalArgumentException("depthMultiplier must be a positive number, got " + depthMultiplier);
        }
    }

    /** 28×28 grey images, 10 classes, default width and depth. */
    public static ArchConfig fashionMnist() {
        return new ArchConfig(1, 28, 10, 1.0, 1.0);
    }

    /** 32×32 colour images, 10 classes, default width and depth. */
    public static ArchConfig cifar10() {
        return new ArchConfig(3, 32, 10, 1.0, 1.0);
    }

    public ArchConfig withInputSize(int size) {
        return new ArchConfig(inputChannels, size, classes, widthMultiplier, depthMultiplier);
    }

    public ArchConfig withWidthMultiplier(double multiplier) {
        return new ArchConfig(inputChannels, inputSize, classes, multiplier, depthMultiplier);
    }

    public ArchConfig withDepthMultiplier(double multiplier) {
        return new ArchConfig(inputChannels, inputSize, classes, widthMultiplier, multiplier);
    }

    /** Inputs larger than this are halved by the stem convolution. */
    public static final int FULL_RESOLUTION_ABOVE = 16;

    /**
     * Stride of every architecture's stem convolution: 2 for inputs above 16 pixels (28, 32), 1 for
     * downscaled ones (14, 16). The blocks then always work at 14–16 pixels, which is what keeps one
     * proxy training step within budget on a 2-core CPU (at full resolution the mobile networks are
     * 4–7× slower); the ImageNet originals also downsample in the stem.
     */
    public int stemStride() {
        return inputSize > FULL_RESOLUTION_ABOVE ? 2 : 1;
    }

    /** The NCHW shape of a batch of {@code batchSize} inputs. */
    public Shape inputShape(long batchSize) {
        return new Shape(batchSize, inputChannels, inputSize, inputSize);
    }

    /** Channel count for a layer whose default width is {@code base}. */
    int channels(int base) {
        return Scaling.channels(base, widthMultiplier);
    }

    /** Block count for a stage whose default depth is {@code base}. */
    int repeats(int base) {
        return Scaling.repeats(base, depthMultiplier);
    }
}

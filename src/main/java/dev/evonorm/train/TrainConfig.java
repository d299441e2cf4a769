package dev.evonorm.train;

/**
 * How one proxy training runs. Defaults are the project's proxy (see docs/proxy.md for the
 * measurements behind them).
 *
 * @param steps SGD steps
 * @param batchSize training batch size
 * @param peakLearningRate rate after warm-up (cosine decay to 0 at the last step)
 * @param warmupSteps linear warm-up steps
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay on convolution and linear kernels only
 * @param evalBatchSize batch size for validation (inference mode; any size gives the same result
 *     for layers whose inference does not depend on the batch)
 * @param divergenceLoss a training loss above this (or non-finite) stops the run as diverged
 * @param seed seeds parameter initialization, data order and augmentation
 */
public record TrainConfig(int steps, int batchSize, float peakLearningRate, int warmupSteps, float momentum,
                          float weightDecay, int evalBatchSize, float divergenceLoss, long seed) {

    public static final int DEFAULT_STEPS = 200;
    public static final int DEFAULT_BATCH = 128;
    /**
     * High enough that normalization matters (plain ReLU networks diverge or fall far behind at
     * this rate, as in the paper's motivation), low enough that BN-ReLU trains on every search
     * architecture. Measurements in docs/proxy.md.
     */
    public static final float DEFAULT_PEAK_RATE = 0.2f;

    public TrainConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (warmupSteps > steps) {
            warmupSteps = steps;
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_PEAK_RATE, DEFAULT_STEPS / 10, 0.9f, 5e-4f, 500, 1e3f, 0);
    }

    public TrainConfig withSteps(int n) {
        return new TrainConfig(n, batchSize, peakLearningRate, Math.max(1, n / 10), momentum, weightDecay,
                evalBatchSize, divergenceLoss, seed);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(steps, b, peakLearningRate, warmupSteps, momentum, weightDecay, evalBatchSize,
                divergenceLoss, seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(steps, batchSize, peakLearningRate, warmupSteps, momentum, weightDecay, evalBatchSize,
                divergenceLoss, s);
    }

    public TrainConfig withPeakLearningRate(float lr) {
        return new TrainConfig(steps, batchSize, lr, warmupSteps, momentum, weightDecay, evalBatchSize,
                divergenceLoss, seed);
    }

    public TrainConfig withWarmupSteps(int w) {
        return new TrainConfig(steps, batchSize, peakLearningRate, w, momentum, weightDecay, evalBatchSize,
                divergenceLoss, seed);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(peakLearningRate, warmupSteps, steps);
    }
}

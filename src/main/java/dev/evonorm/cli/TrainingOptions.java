package dev.evonorm.cli;

import dev.evonorm.train.TrainConfig;
import picocli.CommandLine.Option;

/** The proxy training schedule and network scale. */
final class TrainingOptions {
    @Option(names = "--steps", defaultValue = "" + TrainConfig.DEFAULT_STEPS, description = "SGD steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "" + TrainConfig.DEFAULT_BATCH, description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + TrainConfig.DEFAULT_PEAK_RATE,
            description = "Peak learning rate after linear warm-up over the first 10%% of steps; cosine decay after (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialization, data order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the architectures (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--depth", defaultValue = "1.0", description = "Depth multiplier of the architectures (default: ${DEFAULT-VALUE}).")
    double depth;

    TrainConfig toConfig() {
        if (!(learningRate > 0)) {
            throw new UserInputException("--lr must be positive, got " + learningRate);
        }
        return TrainConfig.defaults().withSteps(steps).withBatchSize(batchSize).withPeakLearningRate(learningRate)
                .withSeed(seed);
    }
}

package dev.evonorm.train;

import dev.evonorm.data.DataSplits;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import java.util.function.IntConsumer;

/**
 * Trains one layer on one architecture for a fixed number of SGD steps and measures accuracy on the
 * validation split in inference mode. Deterministic for a seed (parameter initialization, data
 * order and augmentation all derive from it).
 *
 * <p>A layer that makes training fail — a non-finite or diverging loss, non-finite outputs, an
 * engine error — yields a {@link TrainResult.Failed}, never an exception: during a search such a
 * failure is a property of the candidate. Errors of the caller (a layer that cannot serve the
 * architecture's channel counts) are thrown as {@link IllegalArgumentException}.
 */
public final class ProxyTrainer {
    private ProxyTrainer() {
    }

    public static TrainResult train(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                    DataSplits data, TrainConfig config) {
        return train(architecture, archConfig, layer, data, config, step -> { });
    }

    /**
     * @param onStep called after each completed step with the step count (for progress bars)
     */
    public static TrainResult train(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                    DataSplits data, TrainConfig config, IntConsumer onStep) {
        try (TrainingRun run = TrainingRun.start(architecture, archConfig, layer, data, config)) {
            return run.finish(data, onStep);
        }
    }
}

package dev.evonorm.train;

/**
 * What one proxy training produced: an accuracy on the validation split, or the reason it failed.
 * Failures are results, not exceptions: a candidate layer that yields NaN is a fact about the layer.
 */
public sealed interface TrainResult {

    /** Training losses, one per completed step. */
    float[] losses();

    Timings timings();

    default boolean succeeded() {
        return this instanceof Trained;
    }

    /** Seconds spent building and initializing, training, and evaluating. */
    record Timings(double setupSeconds, double trainSeconds, double evalSeconds, int stepsDone) {
        public double totalSeconds() {
            return setupSeconds + trainSeconds + evalSeconds;
        }

        public double stepsPerSecond() {
            return trainSeconds > 0 ? stepsDone / trainSeconds : 0;
        }
    }

    /** Validation accuracy (0..1) and mean validation loss, measured in inference mode. */
    record Trained(double accuracy, double validationLoss, float[] losses, Timings timings) implements TrainResult {
    }

    record Failed(FailureKind kind, String reason, float[] losses, Timings timings) implements TrainResult {
    }

    enum FailureKind {
        /** The training loss became NaN or infinite. */
        NON_FINITE_LOSS,
        /** The training loss exceeded the divergence threshold. */
        DIVERGED,
        /** The network's validation outputs contained NaN or infinity. */
        NON_FINITE_OUTPUT,
        /** The engine threw while running the layer (e.g. an operation it cannot do on these shapes). */
        ENGINE_ERROR
    }
}

package dev.evonorm.screen;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the functional hash identifies, i.e. which candidates the functional dedupe treats as one.
 * A run keeps the scheme it started with (setting {@code functional_hash}), so a resumed run
 * compares like with like.
 */
public enum FunctionalHash {
    /**
     * The function itself: outputs on fixed inputs with v0 and v1 at fixed random values. What
     * runs made before the {@code training} scheme existed used.
     */
    OUTPUTS,
    /**
     * The function as training can reach it (project default). On top of {@link #OUTPUTS}, two
     * facts of training from v0 = 0, v1 = 1 with SGD and no weight decay on v: a vector whose
     * gradient is exactly zero at its initial value never moves, so the layer is hashed with it
     * there (tanh(x) + v0² trains as tanh(x)); and f(x; v0) and f(x; −v0) train into mirror
     * images with the same accuracies (tanh(x) + x·v0 and tanh(x) − x·v0), so both signs of v0
     * get the same hash. Replayed over a 2-hour search, 16 of its 68 full trainings were such
     * repeats (docs/benchmarks.md).
     */
    TRAINING;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The rejection reason of a candidate whose hash an earlier candidate already claimed. */
    public String duplicateReason(long original) {
        return (this == TRAINING ? "same function once trained as candidate " : "same function as candidate ") + original;
    }

    public static FunctionalHash fromToken(String token) {
        for (FunctionalHash h : values()) {
            if (h.token().equals(token)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown functional hash '" + token + "'; use one of "
                + Arrays.stream(values()).map(FunctionalHash::token).collect(Collectors.joining(", ")));
    }
}

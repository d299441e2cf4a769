package dev.evonorm.screen;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the quality protocol's accuracy after {@code qualitySteps} steps comes from. The paper
 * says "accuracy after 100 training steps" and leaves open whether those are a training of their
 * own or the first steps of the full one. A run keeps the choice it started with (setting
 * {@code quality_check}).
 */
public enum QualityCheck {
    /**
     * A short training of its own, with the learning-rate schedule (warm-up, cosine decay) fitted
     * into its steps; the full training then starts again from initialization. What runs made
     * before {@link #CHECKPOINT} existed did.
     */
    SEPARATE,
    /**
     * The accuracy at step {@code qualitySteps} of the full training itself, which goes on from
     * there when the layer passes. A layer that reaches full training costs {@code qualitySteps}
     * fewer steps on each architecture the protocol checks, and its full-training accuracies are
     * exactly those of {@link #SEPARATE} (scoring part-way changes nothing the training depends on).
     * The decision itself is taken mid-schedule, at a higher learning rate than at the end of a short
     * training of its own, so a layer near the threshold can fall on the other side of it.
     */
    CHECKPOINT;

    /** Why these step counts cannot work with this check (the fix included), or null when they can. */
    public String conflict(int qualitySteps, int trainingSteps) {
        if (this == CHECKPOINT && qualitySteps >= trainingSteps) {
            return "--quality-check checkpoint reads the accuracy part-way through the full training, so --quality-steps ("
                    + qualitySteps + ") must be below --steps (" + trainingSteps + "); lower --quality-steps or use --quality-check separate";
        }
        return null;
    }

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static QualityCheck fromToken(String token) {
        for (QualityCheck c : values()) {
            if (c.token().equals(token)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--quality-check must be one of "
                + Arrays.stream(values()).map(QualityCheck::token).collect(Collectors.joining(", ")) + ", got '" + token + "'");
    }
}

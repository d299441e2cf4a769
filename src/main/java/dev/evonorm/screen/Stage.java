package dev.evonorm.screen;

/**
 * The stages a candidate passes through, cheapest first. A rejected candidate records the stage
 * that rejected it; an accepted one reaches {@link #ACCEPTED}.
 */
public enum Stage {
    /** Shape, node budget, batch-independence when the space requires it, reads the input at all. */
    VALIDITY,
    /** Forward/backward on random input: NaN/Inf, constant output. */
    NUMERIC,
    /** Same function (functional hash) as a candidate already evaluated in this run. */
    DUPLICATE,
    /** No learning signal at initialization: NaN/Inf loss or gradient, or no gradient reaching the layers near the input. */
    SIGNAL,
    /** Accuracy after a short training below the threshold. */
    QUALITY,
    /** Adversarial gradient-norm ascent exceeds the threshold. */
    STABILITY,
    /** Full training on the K architectures failed (NaN loss, divergence, engine error) or stayed below the quality threshold on one. */
    TRAINING,
    /** Passed every screen and was trained on every architecture. */
    ACCEPTED;

    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

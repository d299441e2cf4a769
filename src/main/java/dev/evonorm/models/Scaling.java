package dev.evonorm.models;

/**
 * Width and depth scaling shared by all architectures.
 *
 * <p>Channels are rounded to a multiple of 8 so that group-based layers (GroupNorm, EvoNorm-S with
 * up to 32 groups) always find a divisor; this is MobileNet's "make divisible" rule, which also
 * refuses to round down by more than 10%.
 */
public final class Scaling {
    /** Every channel count is a multiple of this. */
    public static final int CHANNEL_DIVISOR = 8;

    private Scaling() {
    }

    /** {@code base · multiplier} rounded to the nearest multiple of 8, at least 8, never below 90%. */
    public static int channels(int base, double multiplier) {
        double scaled = base * multiplier;
        int rounded = Math.max(CHANNEL_DIVISOR,
                (int) ((scaled + CHANNEL_DIVISOR / 2.0) / CHANNEL_DIVISOR) * CHANNEL_DIVISOR);
        if (rounded < 0.9 * scaled) {
            rounded += CHANNEL_DIVISOR;
        }
        return rounded;
    }

    /** {@code base · multiplier} rounded up, at least 1 (EfficientNet's depth rule). */
    public static int repeats(int base, double multiplier) {
        return Math.max(1, (int) Math.ceil(base * multiplier - 1e-9));
    }
}

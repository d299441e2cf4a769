package dev.evonorm.train;

/**
 * Linear warm-up from 0 to the peak rate, then cosine decay to 0 at the last step. Short proxy
 * trainings need the warm-up: without it, unnormalized or badly normalized candidates blow up in
 * the first steps and the screens would reject them for the schedule's fault.
 */
public record LearningRateSchedule(float peak, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps || !(peak > 0)) {
            throw new IllegalArgumentException("learning-rate schedule needs peak > 0 and 0 <= warm-up <= steps, got peak "
                    + peak + ", warm-up " + warmupSteps + ", steps " + totalSteps);
        }
    }

    /** The rate for step {@code step} (0-based). */
    public float rate(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int decaySteps = totalSteps - warmupSteps;
        if (decaySteps <= 0) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return (float) (peak * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}

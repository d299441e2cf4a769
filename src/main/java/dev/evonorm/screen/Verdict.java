package dev.evonorm.screen;

import java.util.Arrays;
import java.util.Map;

/**
 * The result of evaluating one candidate: the stage it reached, why it was rejected (if it was),
 * its per-architecture validation accuracies (accepted candidates only, in the run's architecture
 * order), its functional hash (once computed), and where the time went.
 */
public record Verdict(Stage stage, String reason, double[] accuracies, String functionalHash,
                      double seconds, Map<String, Double> stageSeconds) {

    public Verdict {
        accuracies = accuracies == null ? new double[0] : accuracies.clone();
        stageSeconds = stageSeconds == null ? Map.of() : Map.copyOf(stageSeconds);
        reason = reason == null ? "" : reason;
    }

    public static Verdict accepted(double[] accuracies, String functionalHash, double seconds,
                                   Map<String, Double> stageSeconds) {
        return new Verdict(Stage.ACCEPTED, "", accuracies, functionalHash, seconds, stageSeconds);
    }

    public static Verdict rejected(Stage stage, String reason, String functionalHash, double seconds,
                                   Map<String, Double> stageSeconds) {
        if (stage == Stage.ACCEPTED) {
            throw new IllegalArgumentException("a rejection needs the stage that rejected it");
        }
        return new Verdict(stage, reason, null, functionalHash, seconds, stageSeconds);
    }

    public boolean isAccepted() {
        return stage == Stage.ACCEPTED;
    }

    @Override
    public double[] accuracies() {
        return accuracies.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verdict v && stage == v.stage && reason.equals(v.reason)
                && Arrays.equals(accuracies, v.accuracies) && java.util.Objects.equals(functionalHash, v.functionalHash)
                && Double.compare(seconds, v.seconds) == 0 && stageSeconds.equals(v.stageSeconds);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(stage, reason, Arrays.hashCode(accuracies), functionalHash, seconds);
    }
}

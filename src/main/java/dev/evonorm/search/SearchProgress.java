package dev.evonorm.search;

import dev.evonorm.screen.Stage;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counters of a run, updated as candidates are recorded (including those replayed on resume), and
 * read as immutable snapshots by displays and reports.
 */
public final class SearchProgress {
    private final EnumMap<Stage, Long> byStage = new EnumMap<>(Stage.class);
    private long evaluated;
    private long proposed;
    private CandidateRecord best;

    /** An immutable view for displays. */
    public record Snapshot(long proposed, long evaluated, Map<Stage, Long> byStage, Optional<CandidateRecord> best,
                           double elapsedSeconds) {
        public long count(Stage stage) {
            return byStage.getOrDefault(stage, 0L);
        }

        /** Evaluated candidates per minute of search time. */
        public double perMinute() {
            return elapsedSeconds > 0 ? evaluated * 60.0 / elapsedSeconds : 0;
        }
    }

    void add(CandidateRecord record) {
        proposed++;
        byStage.merge(record.verdict().stage(), 1L, Long::sum);
        if (record.wasEvaluated()) {
            evaluated++;
        }
        if (record.accepted() && (best == null || record.meanAccuracy() > best.meanAccuracy())) {
            best = record;
        }
    }

    long evaluated() {
        return evaluated;
    }

    Snapshot snapshot(double elapsedSeconds) {
        return new Snapshot(proposed, evaluated, Map.copyOf(byStage), Optional.ofNullable(best), elapsedSeconds);
    }
}

package dev.evonorm.cli;

import dev.evonorm.bench.Allocator;
import dev.evonorm.graph.Formula;
import dev.evonorm.screen.Stage;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchProgress;
import dev.evonorm.search.SearchRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a running search shows: on a terminal a status line rewritten in place (candidates/min,
 * rejections per stage, best so far) with a line for every new best layer and its formula;
 * elsewhere the same as plain periodic log lines.
 */
final class SearchDisplay implements SearchListener {
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final Path folder;
    private final SearchSettings settings;
    private final String evaluation;
    private final PrintWriter out;
    private final boolean terminal = System.console() != null;
    private double bestMean = Double.NEGATIVE_INFINITY;
    private long lastLog = System.nanoTime();
    private java.util.function.Supplier<String> evaluatorStatus = () -> "";

    SearchDisplay(Path folder, SearchSettings settings, String evaluation, PrintWriter out) {
        this.folder = folder;
        this.settings = settings;
        this.evaluation = evaluation;
        this.out = out;
    }

    /** Appends what the evaluator says of itself (nodes and slots of a cluster) to every status line. */
    void showEvaluatorStatus(java.util.function.Supplier<String> status) {
        this.evaluatorStatus = status;
    }

    @Override
    public void onStart(SearchProgress.Snapshot resumed) {
        out.println("run: " + folder);
        out.print(settings.describe());
        out.println("evaluation: " + evaluation);
        out.println("allocator: " + Allocator.inUse());
        if (resumed.proposed() > 0) {
            out.printf(Locale.ROOT, "resuming after %d candidates (%d evaluated, %.1f min of search so far)%n",
                    resumed.proposed(), resumed.evaluated(), resumed.elapsedSeconds() / 60);
            resumed.best().ifPresent(b -> bestMean = b.meanAccuracy());
        }
        out.flush();
    }

    @Override
    public void onRecorded(CandidateRecord r, SearchProgress.Snapshot p) {
        if (r.accepted() && r.wasEvaluated() && r.meanAccuracy() > bestMean) {
            bestMean = r.meanAccuracy();
            clearStatus();
            out.printf(Locale.ROOT, "new best: #%d mean %.2f%% [%s] %s%n", r.id(), 100 * r.meanAccuracy(),
                    Arrays.stream(r.accuracies()).mapToObj(a -> String.format(Locale.ROOT, "%.2f", 100 * a))
                            .collect(Collectors.joining(", ")), Formula.unicode(r.graph()));
        }
        if (terminal) {
            out.print("\r" + status(p) + evaluatorStatus());
        } else if (System.nanoTime() - lastLog > LOG_INTERVAL_NANOS) {
            lastLog = System.nanoTime();
            out.println(status(p) + evaluatorStatus());
        }
        out.flush();
    }

    @Override
    public void onFinish(SearchRun.Outcome outcome) {
        clearStatus();
        out.println(status(outcome.progress()));
        out.printf("search ended (%s). Best layers: evonorm top %s; continue: evonorm search --resume %s --budget …%n",
                outcome.reason().name().toLowerCase(Locale.ROOT), folder, folder);
        out.flush();
    }

    private String evaluatorStatus() {
        String s = evaluatorStatus.get();
        return s.isEmpty() ? "" : "; " + s;
    }

    private void clearStatus() {
        if (terminal) {
            out.print("\r\033[K");
        }
    }

    static String status(SearchProgress.Snapshot p) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%.1f min, %d evaluated (%.2f/min), accepted %d; rejected:", p.elapsedSeconds() / 60,
                p.evaluated(), p.perMinute(), p.count(Stage.ACCEPTED)));
        for (Stage s : Stage.values()) {
            if (s != Stage.ACCEPTED) {
                b.append(' ').append(s.token()).append(' ').append(p.count(s));
            }
        }
        p.best().ifPresent(best -> b.append(String.format(Locale.ROOT, "; best #%d %.2f%%", best.id(), 100 * best.meanAccuracy())));
        return b.toString();
    }
}

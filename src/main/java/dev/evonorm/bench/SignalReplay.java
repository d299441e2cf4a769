package dev.evonorm.bench;

import dev.evonorm.data.DataConfig;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.screen.InitDiagnostics;
import dev.evonorm.screen.SignalCheck;
import dev.evonorm.screen.Stage;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Replays the signal screen, under several rules, on every candidate of a finished run that reached
 * the quality protocol (and so cost training time), and reports what each rule would have rejected
 * before that training: how many accepted layers it would have lost (it should be none) and how
 * many of the rejected ones it would have caught, with the evaluation seconds they took. Read-only;
 * not a test, it prints one CSV row per candidate (the gradient ratio and loss at initialization on
 * each search architecture) and a summary per rule on standard error.
 *
 * <p>Usage: {@code SignalReplay RUN_DB}. The proxy is the default one (Fashion-MNIST, default
 * training, width and layer options), as in the runs it was written for.
 */
public final class SignalReplay {
    private static final Set<Stage> TRAINED = EnumSet.of(Stage.QUALITY, Stage.STABILITY, Stage.TRAINING, Stage.ACCEPTED);
    private static final double[] UPPER_BOUNDS = {0, 1e3, SignalCheck.DEFAULT_MAX_GRADIENT_RATIO, 1e5};

    private SignalReplay() {
    }

    private record Row(CandidateRecord candidate, List<InitDiagnostics.Result> measures) {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SignalReplay RUN_DB");
            System.exit(2);
        }
        System.err.println("denormals: " + dev.evonorm.train.DenormalFlush.enable());
        TrainConfig training = TrainConfig.defaults();
        ProxyTask task = ProxyTask.load(DataConfig.defaults("fashion-mnist"), training, 1.0, 1.0);
        ImageDataset batch = InitDiagnostics.sample(task.data().train(), training.batchSize(), 0);
        List<Architecture> archs = Architectures.search();
        List<Row> rows = new ArrayList<>();
        StringBuilder header = new StringBuilder("id,outcome");
        archs.forEach(a -> header.append(',').append(a.name()).append("_loss,").append(a.name()).append("_ratio"));
        System.out.println(header);
        try (RunStore store = RunStore.open(Path.of(args[0]))) {
            for (CandidateRecord c : store.completed()) {
                if (!c.wasEvaluated() || !TRAINED.contains(c.verdict().stage())) {
                    continue;
                }
                NormActFactory layer = Layers.graph(c.graph(), LayerOptions.defaults());
                List<InitDiagnostics.Result> measures = new ArrayList<>();
                StringBuilder line = new StringBuilder(c.id() + "," + outcome(c));
                for (Architecture a : archs) {
                    InitDiagnostics.Result r = InitDiagnostics.measureGradients(a, task.archConfig(), layer, batch, training.seed());
                    measures.add(r);
                    double ratio = r.sites().isEmpty() ? Double.NaN
                            : r.sites().get(0).gradientNorm() / r.sites().get(r.sites().size() - 1).gradientNorm();
                    line.append(String.format(Locale.ROOT, ",%.6g,%.6g", r.loss(), ratio));
                }
                System.out.println(line);
                rows.add(new Row(c, measures));
            }
        }
        double total = rows.stream().mapToDouble(r -> r.candidate().verdict().seconds()).sum();
        for (int checked : new int[] {1, archs.size()}) {
            for (double max : UPPER_BOUNDS) {
                int lost = 0;
                int caught = 0;
                double saved = 0;
                for (Row row : rows) {
                    boolean rejected = false;
                    for (int k = 0; k < checked && !rejected; k++) {
                        rejected = SignalCheck.problem(row.measures().get(k), SignalCheck.DEFAULT_MIN_GRADIENT_RATIO, max).isPresent();
                    }
                    if (rejected && row.candidate().accepted()) {
                        lost++;
                    } else if (rejected) {
                        caught++;
                        saved += row.candidate().verdict().seconds();
                    }
                }
                System.err.printf(Locale.ROOT, "architectures %d, upper bound %s: %d accepted lost, %d of the %d rejected caught, "
                        + "%.0f of %.0f evaluation s (%.1f%%)%n", checked, max == 0 ? "none" : String.format(Locale.ROOT, "%.0e", max),
                        lost, caught, rows.stream().filter(r -> !r.candidate().accepted()).count(), saved, total, 100 * saved / total);
            }
        }
    }

    /** "accepted", or the stage and the architecture named at the start of the rejection reason. */
    private static String outcome(CandidateRecord c) {
        if (c.accepted()) {
            return "accepted";
        }
        String reason = c.verdict().reason();
        int colon = reason.indexOf(':');
        return c.verdict().stage().token() + (colon > 0 ? " " + reason.substring(0, colon) : "");
    }
}

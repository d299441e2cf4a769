package dev.evonorm.bench;

import dev.evonorm.data.DataConfig;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.graph.Formula;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.screen.FunctionalHash;
import dev.evonorm.screen.InitDiagnostics;
import dev.evonorm.screen.NumericProbe;
import dev.evonorm.screen.SiteMeasures;
import dev.evonorm.screen.StaticScreen;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import dev.evonorm.train.TrainingRun;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Does a layer's behaviour in a freshly initialized network predict the quality protocol? For
 * random layers that pass the cheap screens (and are not functional repeats), measures the
 * initialization diagnostics on the first search architecture, then runs the quality protocol as
 * the search does by default (step 100 of the 200-step training, first 1,000 validation examples)
 * and prints one CSV row per layer: the diagnostics, the loss curve at a few steps, the outcome.
 * Not a test; it prints, for the analysis in docs/benchmarks.md.
 *
 * <p>Usage: {@code InitScreenStudy SEED COUNT [GRAPH_JSON…]}: COUNT random layers from SEED, or the
 * given graphs (known layers, to check that a rule keeps them). {@code -Devonorm.study.flush=true}
 * flushes denormals first (with the JVM options of {@link dev.evonorm.train.DenormalFlush}).
 */
public final class InitScreenStudy {
    private static final int[] LOSS_STEPS = {1, 5, 10, 20, 30, 50, 100};

    private InitScreenStudy() {
    }

    public static void main(String[] args) {
        if (Boolean.getBoolean("evonorm.study.flush")) {
            System.err.println("denormals: " + dev.evonorm.train.DenormalFlush.enable());
        }
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        TrainConfig training = TrainConfig.defaults();
        ProxyTask task = ProxyTask.load(DataConfig.defaults("fashion-mnist"), training, 1.0, 1.0);
        Architecture first = Architectures.search().get(0);
        ImageDataset batch = InitDiagnostics.sample(task.data().train(), training.batchSize(), 0);
        ImageDataset qualityValidation = task.data().validation().select(
                java.util.stream.IntStream.range(0, 1000).toArray(), "quality");
        LayerOptions options = LayerOptions.defaults();
        StringBuilder header = new StringBuilder("id,diag_s,init_loss,first_var,last_var,max_var,last_cos,max_cos,min_rank,"
                + "grad_first,grad_last,grad_max,quality_s,outcome,accuracy");
        for (int s : LOSS_STEPS) {
            header.append(",loss").append(s);
        }
        header.append(",formula");
        System.out.println(header);
        SplittableRandom rng = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        int done = 0;
        int argIndex = 2;
        while (args.length > 2 ? argIndex < args.length : done < count) {
            LayerGraph graph;
            if (args.length > 2) {
                graph = GraphJson.parse(args[argIndex++]);
            } else {
                graph = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
                if (StaticScreen.check(graph, SearchSpace.BATCH_DEPENDENT).isPresent()) {
                    continue;
                }
                NumericProbe.Result probe = NumericProbe.probe(graph, options, FunctionalHash.TRAINING);
                if (probe.problem().isPresent() || !seen.add(probe.functionalHash())) {
                    continue;
                }
            }
            done++;
            NormActFactory layer = Layers.graph(graph, options);
            long t = System.nanoTime();
            String diag;
            try {
                InitDiagnostics.Result r = InitDiagnostics.measure(first, task.archConfig(), layer, batch, training.seed());
                List<SiteMeasures> sites = r.sites();
                SiteMeasures a = sites.get(0);
                SiteMeasures z = sites.get(sites.size() - 1);
                diag = String.format(Locale.ROOT, "%.3f,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g",
                        (System.nanoTime() - t) / 1e9, r.loss(), a.inputVariance(), z.inputVariance(),
                        sites.stream().mapToDouble(SiteMeasures::inputVariance).max().orElse(Double.NaN),
                        z.cosine(), sites.stream().mapToDouble(SiteMeasures::cosine).max().orElse(Double.NaN),
                        sites.stream().mapToDouble(SiteMeasures::stableRank).min().orElse(Double.NaN),
                        a.gradientNorm(), z.gradientNorm(),
                        sites.stream().mapToDouble(SiteMeasures::gradientNorm).max().orElse(Double.NaN));
            } catch (RuntimeException e) {
                System.err.println("diagnostics: " + e);
                diag = String.format(Locale.ROOT, "%.3f,error,,,,,,,,,", (System.nanoTime() - t) / 1e9);
            }
            t = System.nanoTime();
            String outcome;
            double accuracy = Double.NaN;
            float[] losses;
            try (TrainingRun run = TrainingRun.start(first, task.archConfig(), layer, task.data(), training)) {
                Optional<TrainResult.Failed> failed = run.trainTo(100, step -> { });
                TrainResult q = failed.isPresent() ? failed.get() : run.score(qualityValidation);
                losses = q.losses();
                if (q instanceof TrainResult.Failed f) {
                    outcome = f.kind().name().toLowerCase(Locale.ROOT);
                } else {
                    accuracy = ((TrainResult.Trained) q).accuracy();
                    outcome = accuracy >= 0.2 ? "pass" : "low";
                }
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%d,%s,%.3f,%s,%.4f", done, diag,
                    (System.nanoTime() - t) / 1e9, outcome, accuracy));
            for (int s : LOSS_STEPS) {
                row.append(',').append(s <= losses.length ? String.format(Locale.ROOT, "%.5g", losses[s - 1]) : "");
            }
            row.append(",\"").append(Formula.unicode(graph).replace("\"", "'")).append('"');
            System.out.println(row);
            System.out.flush();
        }
    }
}

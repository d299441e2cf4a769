package dev.evonorm.cli;

import dev.evonorm.bench.Allocator;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.models.Architectures;
import dev.evonorm.screen.EvaluationPipeline;
import dev.evonorm.screen.FunctionalHash;
import dev.evonorm.screen.QualityCheck;
import dev.evonorm.screen.NumericProbe;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.StabilityProtocol;
import dev.evonorm.screen.StaticScreen;
import dev.evonorm.screen.Verdict;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The screening path's cost and outcome on random layers: the cheap screens (validity, numeric
 * sanity, functional hash) timed per candidate over many graphs — which doubles as a fuzz run: any
 * exception escaping them fails the benchmark — and, with {@code --funnel N}, N random layers
 * through every stage with the default proxy: the share rejected at each stage and the time spent.
 */
@Command(name = "screen", mixinStandardHelpOptions = true,
        description = "Cost of the cheap screens per random candidate (fuzzing them), and the rejection funnel through all stages.")
final class ScreenBenchCommand implements Runnable {
    @Option(names = "--count", defaultValue = "10000", description = "Random graphs through the cheap screens (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--funnel", defaultValue = "0", description = "Random graphs through every stage with the default proxy (default: ${DEFAULT-VALUE}).")
    int funnel;

    @Option(names = "--space", defaultValue = "batch", description = "batch or batch-independent (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random graphs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--functional-hash", defaultValue = "training", description = "training or outputs, as in 'evonorm search' (default: ${DEFAULT-VALUE}).")
    String functionalHash;

    @Option(names = "--signal-threshold", defaultValue = "" + dev.evonorm.screen.SignalCheck.DEFAULT_MIN_GRADIENT_RATIO,
            description = "The funnel's signal screen, as in 'evonorm search' (every architecture, the default upper bound); "
                    + "0 skips it (default: ${DEFAULT-VALUE}).")
    double signalThreshold;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        SearchSpace s = SearchSpace.fromToken(space);
        FunctionalHash scheme = FunctionalHash.fromToken(functionalHash);
        LayerOptions options = LayerOptions.defaults();
        SplittableRandom rng = new SplittableRandom(seed);
        if (count > 0) {
            double[] ms = new double[count];
            double[] probedMs = new double[count];
            int probed = 0;
            Map<String, Integer> outcomes = new HashMap<>();
            for (int i = 0; i < count; i++) {
                LayerGraph g = RandomGraphs.generate(s, rng);
                long t = System.nanoTime();
                String outcome;
                if (StaticScreen.check(g, s).isPresent()) {
                    outcome = "rejected: validity";
                } else {
                    NumericProbe.Result r = NumericProbe.probe(g, options, scheme);
                    outcome = r.problem().isPresent() ? "rejected: numeric" : "passed";
                }
                ms[i] = (System.nanoTime() - t) / 1e6;
                if (!outcome.equals("rejected: validity")) {
                    probedMs[probed++] = ms[i];
                }
                outcomes.merge(outcome, 1, Integer::sum);
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "cheap screens (validity, numeric sanity, %s functional hash) on %d random %s-space graphs, no exception escaped%n",
                    scheme.token(), count, s.token());
            System.out.println("allocator: " + Allocator.inUse());
            System.out.printf(Locale.ROOT, "per candidate: median %.2f ms, p90 %.2f ms, max %.2f ms, total %.1f s%n",
                    sorted[count / 2], sorted[(int) (count * 0.9)], sorted[count - 1], Arrays.stream(ms).sum() / 1000);
            if (probed > 0) {
                double[] p = Arrays.copyOf(probedMs, probed);
                Arrays.sort(p);
                System.out.printf(Locale.ROOT, "per candidate that runs the numeric probe (%d): median %.2f ms, p90 %.2f ms%n",
                        probed, p[probed / 2], p[(int) (probed * 0.9)]);
            }
            outcomes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> System.out.printf(Locale.ROOT,
                    "  %-20s %6d (%.1f%%)%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / count));
        }
        if (funnel > 0) {
            runFunnel(s, options, scheme, rng);
        }
    }

    private void runFunnel(SearchSpace s, LayerOptions options, FunctionalHash scheme, SplittableRandom rng) {
        TrainConfig training = TrainConfig.defaults();
        ProxyTask task = ProxyTask.load(data.toConfig(), training, 1.0, 1.0);
        // The separate quality check, as the funnel documented in docs/benchmarks.md was measured.
        EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(s, options, Architectures.search(),
                task.archConfig(), training, 100, 0.2, 1000, true, false, QualityCheck.SEPARATE, StabilityProtocol.Config.defaults(), scheme,
                signalThreshold, true, signalThreshold > 0 ? dev.evonorm.screen.SignalCheck.DEFAULT_MAX_GRADIENT_RATIO : 0);
        Map<String, Long> seen = new HashMap<>();
        EvaluationPipeline pipeline = new EvaluationPipeline(settings, task.data(), (hash, id) -> {
            Long before = seen.putIfAbsent(hash, id);
            return before == null ? OptionalLong.empty() : OptionalLong.of(before);
        });
        Map<Stage, Integer> counts = new EnumMap<>(Stage.class);
        Map<String, Double> seconds = new HashMap<>();
        for (int i = 1; i <= funnel; i++) {
            Verdict v = pipeline.evaluate(RandomGraphs.generate(s, rng), i);
            counts.merge(v.stage(), 1, Integer::sum);
            v.stageSeconds().forEach((k, x) -> seconds.merge(k, x, Double::sum));
            if (i % 25 == 0) {
                System.err.printf("funnel: %d/%d%n", i, funnel);
            }
        }
        System.out.printf(Locale.ROOT, "funnel of %d random %s-space layers through every stage (default proxy, %s):%n", funnel,
                s.token(), task.data().spec().name());
        System.out.printf("%-10s %8s %8s %14s%n", "stage", "ended", "share", "time spent s");
        for (Stage st : Stage.values()) {
            System.out.printf(Locale.ROOT, "%-10s %8d %7.1f%% %14.1f%n", st.token(), counts.getOrDefault(st, 0),
                    100.0 * counts.getOrDefault(st, 0) / funnel, seconds.getOrDefault(st.token(), 0.0));
        }
    }
}

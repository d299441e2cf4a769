package dev.evonorm.cli;

import dev.evonorm.bench.Allocator;
import dev.evonorm.layers.Layers;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.ProxyTrainer;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The proxy's cost: a full default training per (layer, search architecture) with its time and
 * throughput, then many consecutive short trainings in this one JVM with the process's resident
 * memory after each, to show that nothing accumulates.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Proxy training time and throughput per layer and architecture; resident memory over consecutive trainings.")
final class ProxyBenchCommand implements Runnable {
    @Option(names = "--layers", defaultValue = "bn-relu,evonorm-b0,evonorm-s0", description = "Layers (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--trainings", defaultValue = "50", description = "Consecutive trainings for the memory check (default: ${DEFAULT-VALUE}).")
    int trainings;

    @Option(names = "--memory-steps", defaultValue = "40", description = "Steps of each memory-check training (default: ${DEFAULT-VALUE}).")
    int memorySteps;

    @Option(names = "--skip-throughput", description = "Only run the memory check.")
    boolean skipThroughput;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    @Override
    public void run() {
        List<String> layerNames = LayerRuns.split(layers, "--layers");
        TrainConfig base = training.toConfig();
        ProxyTask task = ProxyTask.load(data.toConfig(), base, training.width, training.depth);
        List<Architecture> archs = Architectures.search();
        System.out.printf(Locale.ROOT, "default proxy: %s %dx%d, %d train / %d validation, %d steps, batch %d, lr %.2f, %d cores%n",
                task.data().spec().name(), task.archConfig().inputSize(), task.archConfig().inputSize(),
                task.data().train().count(), task.data().validation().count(), base.steps(), base.batchSize(),
                base.peakLearningRate(), Runtime.getRuntime().availableProcessors());
        System.out.println("allocator: " + Allocator.inUse());
        if (!skipThroughput) {
            System.out.printf("%-12s %-13s %9s %9s %9s %9s %9s%n", "layer", "architecture", "accuracy", "train s", "eval s",
                    "total s", "steps/s");
            for (String layer : layerNames) {
                double sum = 0;
                for (Architecture arch : archs) {
                    TrainResult r = ProxyTrainer.train(arch, task.archConfig(), Layers.factory(layer), task.data(), base);
                    TrainResult.Timings t = r.timings();
                    sum += t.totalSeconds();
                    String acc = r instanceof TrainResult.Trained tr ? String.format(Locale.ROOT, "%.2f%%", 100 * tr.accuracy()) : "failed";
                    System.out.printf(Locale.ROOT, "%-12s %-13s %9s %9.2f %9.2f %9.2f %9.1f%n", layer, arch.name(), acc,
                            t.trainSeconds(), t.evalSeconds(), t.totalSeconds(), t.stepsPerSecond());
                }
                System.out.printf(Locale.ROOT, "%-12s %-13s %9s %9s %9s %9.2f%n", layer, "(all three)", "", "", "", sum);
            }
        }
        System.out.printf("resident memory over %d consecutive trainings of %d steps (layers cycle through %s):%n",
                trainings, memorySteps, layerNames);
        TrainConfig small = base.withSteps(memorySteps);
        long[] rss = new long[trainings];
        for (int i = 0; i < trainings; i++) {
            String layer = layerNames.get(i % layerNames.size());
            Architecture arch = archs.get(i % archs.size());
            ProxyTrainer.train(arch, task.archConfig(), Layers.factory(layer), task.data(), small.withSeed(i));
            System.gc();
            rss[i] = residentKiB();
            System.out.printf(Locale.ROOT, "  training %2d (%s on %s): RSS %d MiB%n", i + 1, layer, arch.name(), rss[i] / 1024);
        }
        if (trainings >= 10) {
            int warm = Math.min(5, trainings / 5);
            System.out.printf(Locale.ROOT, "RSS after training %d: %d MiB; after training %d: %d MiB; change %+d MiB%n",
                    warm, rss[warm - 1] / 1024, trainings, rss[trainings - 1] / 1024, (rss[trainings - 1] - rss[warm - 1]) / 1024);
        }
    }

    /** The process's resident set size from /proc (Linux). */
    static long residentKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

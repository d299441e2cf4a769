package dev.evonorm.cli;

import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.report.ComparisonTable;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.ProxyTrainer;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Shared by {@code compare} and {@code sweep}: resolves layer names (including the "random" row of
 * the paper: a fresh random graph per seed, no rejection), runs trainings into a table, and writes
 * the table where asked.
 */
final class LayerRuns {
    static final String RANDOM = "random";

    private LayerRuns() {
    }

    static List<String> split(String list, String flag) {
        List<String> items = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new UserInputException(flag + " is empty; give a comma-separated list");
        }
        return items;
    }

    /** Checks every name before any training starts, so a typo fails in a second, not after an hour. */
    static void validate(List<String> layers, LayerOptions options) {
        for (String l : layers) {
            if (!l.equalsIgnoreCase(RANDOM)) {
                Layers.factory(l, options);
            }
        }
    }

    /** The factory for a row and seed; "random" draws a random graph of the batch-dependent space. */
    static NormActFactory factory(String layer, LayerOptions options, long seed) {
        if (layer.equalsIgnoreCase(RANDOM)) {
            return Layers.graph(RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, new SplittableRandom(seed)), options);
        }
        return Layers.factory(layer, options);
    }

    /** Trains and adds the outcome to the table; prints one progress line. */
    static void run(ComparisonTable table, String row, String column, Architecture arch, NormActFactory layer,
                    ProxyTask task, TrainConfig config, String progress) {
        TrainResult r;
        try {
            r = ProxyTrainer.train(arch, task.archConfig(), layer, task.data(), config);
        } catch (IllegalArgumentException e) {
            if (row.equalsIgnoreCase(RANDOM)) {
                System.err.println(progress + " " + row + " on " + column + ": cannot build (" + e.getMessage() + ")");
                table.addFailure(row, column);
                return;
            }
            throw e;
        }
        PrintStream log = System.err;
        if (r instanceof TrainResult.Trained t) {
            table.add(row, column, t.accuracy());
            log.printf(Locale.ROOT, "%s %s on %s: %.2f%% (%.1f s)%n", progress, row, column, 100 * t.accuracy(),
                    r.timings().totalSeconds());
        } else if (r instanceof TrainResult.Failed f) {
            table.addFailure(row, column);
            log.printf(Locale.ROOT, "%s %s on %s: failed, %s%n", progress, row, column, f.reason());
        }
    }

    static void write(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + ": " + e.getMessage() + "; choose a writable path");
        }
    }
}

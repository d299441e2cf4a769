package dev.evonorm.cli;

import dev.evonorm.graph.Formula;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.screen.Stage;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "top", mixinStandardHelpOptions = true,
        description = "The best layers of a run, with formulas and per-architecture accuracies, and the rejection funnel.")
final class TopCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "Run folder (or its run.db).")
    Path run;

    @Option(names = "--limit", defaultValue = "10", description = "How many layers (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--export", paramLabel = "DIR",
            description = "Also write each listed layer's graph as DIR/<run>-<id>.json, ready for --layer graph:FILE or Layers.factory(\"graph:FILE\").")
    Path export;

    @Override
    public void run() {
        if (limit < 1) {
            throw new UserInputException("--limit must be at least 1, got " + limit);
        }
        if (export != null && Files.exists(export) && !Files.isDirectory(export)) {
            throw new UserInputException("--export " + export + " is a file; give a folder (it is created if missing)");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path database = SearchCommand.databaseOf(run);
        try (RunStore store = RunStore.open(database)) {
            Map<String, String> settings = store.settings();
            List<CandidateRecord> all = store.completed();
            Map<Stage, Long> funnel = new EnumMap<>(Stage.class);
            all.forEach(r -> funnel.merge(r.verdict().stage(), 1L, Long::sum));
            long evaluated = all.stream().filter(CandidateRecord::wasEvaluated).count();
            out.printf(Locale.ROOT, "run %s: %s, %s space, %s selection, architectures %s; %d candidates (%d evaluated), %.1f min%n",
                    run, settings.get("strategy"), settings.get("space"), settings.get("selection"), settings.get("archs"),
                    all.size(), evaluated, store.elapsedSeconds() / 60);
            out.println("funnel: " + Arrays.stream(Stage.values()).map(s -> s.token() + " " + funnel.getOrDefault(s, 0L))
                    .collect(Collectors.joining(", ")));
            List<CandidateRecord> best = store.best(limit);
            if (best.isEmpty()) {
                out.println("no candidate has passed every screen yet");
            }
            out.printf("%-4s %-6s %-7s %-24s %-10s %s%n", "rank", "id", "mean %", "per architecture %", "origin", "formula");
            int rank = 1;
            for (CandidateRecord r : best) {
                String per = Arrays.stream(r.accuracies()).mapToObj(a -> String.format(Locale.ROOT, "%.2f", 100 * a))
                        .collect(Collectors.joining(" "));
                String origin = r.parentId() == 0 ? r.origin().token() : "from #" + r.parentId();
                out.printf(Locale.ROOT, "%-4d %-6d %-7.2f %-24s %-10s %s%n", rank++, r.id(), 100 * r.meanAccuracy(), per, origin,
                        Formula.unicode(r.graph()));
            }
            if (export != null && !best.isEmpty()) {
                exportGraphs(best, runName(database), out);
            }
            out.flush();
        }
    }

    /** The run folder's name, which keeps exports of several runs apart in one folder. */
    private static String runName(Path database) {
        Path folder = database.toAbsolutePath().getParent();
        return folder == null || folder.getFileName() == null ? "run" : folder.getFileName().toString();
    }

    private void exportGraphs(List<CandidateRecord> best, String runName, PrintWriter out) {
        try {
            Files.createDirectories(export);
            for (CandidateRecord r : best) {
                Path file = export.resolve(runName + "-" + r.id() + ".json");
                Files.writeString(file, GraphJson.toJson(r.graph()) + System.lineSeparator());
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write to --export " + export + " (" + e.getMessage() + "); give a writable folder");
        }
        Path first = export.resolve(runName + "-" + best.get(0).id() + ".json");
        out.printf("wrote %d layer graph(s) to %s; use one with --layer graph:%s%n", best.size(), export, first);
    }
}

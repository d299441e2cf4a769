package dev.evonorm.cli;

import dev.evonorm.graph.Formula;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.report.ComparisonTable;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The paper's re-ranking: the top layers of a search are trained again in a harder setting — more
 * steps, more seeds, and architectures the search never used — beside reference layers, and the
 * best few are named. The result table is written into the run folder.
 */
@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = "Re-evaluate a run's best layers with more steps, more seeds and held-out architectures; name the best.")
final class RerankCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "Run folder (or its run.db).")
    Path run;

    @Option(names = "--top", defaultValue = "10", description = "How many of the run's best layers to re-evaluate (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--keep", defaultValue = "3", description = "How many to name as the result (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--seeds", defaultValue = "2", description = "Seeds per architecture (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--steps-factor", defaultValue = "2", description = "Training steps relative to the search (default: ${DEFAULT-VALUE}).")
    int stepsFactor;

    @Option(names = "--archs", description = "Architectures (default: the run's search architectures plus every held-out one).")
    String archs;

    @Option(names = "--references", defaultValue = "bn-relu,evonorm-b0,evonorm-s0",
            description = "Reference layers trained beside them (default: ${DEFAULT-VALUE}); empty for none.")
    String references;

    @Override
    public void run() {
        if (top < 1 || keep < 1 || seeds < 1 || stepsFactor < 1) {
            throw new UserInputException("--top, --keep, --seeds and --steps-factor must be at least 1");
        }
        Path db = SearchCommand.databaseOf(run);
        SearchSettings settings;
        List<CandidateRecord> best;
        try (RunStore store = RunStore.open(db)) {
            settings = new SearchSettings(store.settings());
            best = store.best(top);
        }
        if (best.isEmpty()) {
            throw new UserInputException(run + " has no accepted layer yet; let the search run longer (evonorm search --resume " + run + ")");
        }
        List<Architecture> architectures = archs != null
                ? LayerRuns.split(archs, "--archs").stream().map(Architectures::byName).toList()
                : Stream.concat(settings.architectures().stream(), Architectures.heldOut().stream()).distinct().toList();
        LayerOptions options = settings.layerOptions();
        List<String> refs = references.isBlank() ? List.of() : LayerRuns.split(references, "--references");
        LayerRuns.validate(refs, options);
        TrainConfig base = settings.training();
        TrainConfig harder = base.withSteps(base.steps() * stepsFactor);
        ProxyTask task = ProxyTask.load(settings.dataConfig(), harder, settings.width(), settings.depth());

        Map<String, NormActFactory> rows = new LinkedHashMap<>();
        Map<String, CandidateRecord> byRow = new LinkedHashMap<>();
        for (CandidateRecord r : best) {
            String row = "#" + r.id();
            rows.put(row, Layers.graph(r.graph(), options));
            byRow.put(row, r);
        }
        refs.forEach(ref -> rows.put(ref, Layers.factory(ref, options)));
        ComparisonTable table = new ComparisonTable("Re-ranking: validation accuracy (%), " + harder.steps() + " steps, "
                + seeds + " seed(s); held-out: " + Architectures.heldOut().stream().map(Architecture::name).collect(Collectors.joining(", ")),
                architectures.stream().map(Architecture::name).toList(), 1.0 / task.archConfig().classes());
        int total = rows.size() * architectures.size() * seeds;
        int done = 0;
        for (Map.Entry<String, NormActFactory> row : rows.entrySet()) {
            for (int s = 0; s < seeds; s++) {
                for (Architecture arch : architectures) {
                    done++;
                    LayerRuns.run(table, row.getKey(), arch.name(), arch, row.getValue(), task,
                            harder.withSeed(base.seed() + 1000 + s), "[" + done + "/" + total + "]");
                }
            }
        }
        List<String> ranked = new ArrayList<>(byRow.keySet());
        ranked.sort(Comparator.comparingDouble(table::rowMean).reversed());
        StringBuilder report = new StringBuilder(table.markdown()).append("\nBest ").append(Math.min(keep, ranked.size()))
                .append(" after re-ranking:\n\n");
        for (int i = 0; i < Math.min(keep, ranked.size()); i++) {
            String row = ranked.get(i);
            CandidateRecord r = byRow.get(row);
            report.append(String.format(Locale.ROOT, "%d. %s (search mean %.2f%%, re-ranked mean %.2f%%): `%s`%n   `%s`%n", i + 1, row,
                    100 * r.meanAccuracy(), 100 * table.rowMean(row), Formula.unicode(r.graph()),
                    dev.evonorm.graph.GraphJson.toJson(r.graph())));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report);
        out.flush();
        Path folder = db.toAbsolutePath().getParent();
        LayerRuns.write(folder.resolve("rerank.md"), report.toString());
        LayerRuns.write(folder.resolve("rerank.csv"), table.csv());
        out.println("written: " + folder.resolve("rerank.md") + ", " + folder.resolve("rerank.csv"));
        out.flush();
    }
}

package dev.evonorm.cli;

import dev.evonorm.report.CurveChart;
import dev.evonorm.report.SearchReport;
import dev.evonorm.store.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Compare search runs: summary, best-so-far curves (table, CSV and charts), best layers, the population of evolution runs and rejection funnels. "
                + "Reads the runs without changing them.")
final class ReportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run folders (or their run.db files).")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for report.md, best-so-far.csv and the charts (default: report/ under the first run).")
    Path out;

    @Option(names = "--format", defaultValue = "png", description = "Chart format: png or svg (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--reference", paramLabel = "PERCENT", description = "Accuracy of a reference layer on the same proxy, in percent (e.g. BN-ReLU's mean), drawn as a line and used for 'within 1 point'.")
    Double reference;

    @Option(names = "--reference-label", defaultValue = "BN-ReLU", description = "Name of the reference (default: ${DEFAULT-VALUE}).")
    String referenceLabel;

    @Option(names = "--first", paramLabel = "N", description = "Only each run's first N recorded candidates (e.g. the funnel of exactly 1000 random layers).")
    Integer first;

    @Option(names = "--top", defaultValue = "5", description = "Best layers listed per run (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public void run() {
        String ext = format.toLowerCase(Locale.ROOT);
        if (!ext.equals("png") && !ext.equals("svg")) {
            throw new UserInputException("--format " + format + " is not a chart format; use png or svg");
        }
        if (top < 1) {
            throw new UserInputException("--top must be at least 1, got " + top);
        }
        // A value of 1 or less is almost surely a fraction typed for a percentage; refuse it rather than draw a line at 0.8%.
        if (reference != null && !(reference > 1 && reference <= 100)) {
            throw new UserInputException("--reference " + reference + " is not a percentage above 1; give e.g. 84.4 for 84.4%");
        }
        if (first != null && first < 1) {
            throw new UserInputException("--first must be at least 1, got " + first);
        }
        List<Path> databases = runs.stream().map(SearchCommand::databaseOf).toList();
        List<String> labels = labels(databases.stream().map(db -> db.toAbsolutePath().getParent()).toList());
        List<SearchReport.Run> loaded = new ArrayList<>();
        for (int i = 0; i < databases.size(); i++) {
            try (RunStore store = RunStore.open(databases.get(i))) {
                List<dev.evonorm.search.CandidateRecord> candidates = store.completed();
                if (first != null && candidates.size() > first) {
                    candidates = candidates.subList(0, first);
                }
                loaded.add(new SearchReport.Run(labels.get(i), new SearchSettings(store.settings()).readableAll(), candidates));
            }
        }
        SearchReport report = new SearchReport(loaded, referenceLabel, reference == null ? Double.NaN : reference / 100);
        String markdown = report.markdown(top);
        PrintWriter console = spec.commandLine().getOut();
        console.print(markdown);

        Path folder = out != null ? out : SearchCommand.databaseOf(runs.get(0)).toAbsolutePath().getParent().resolve("report");
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("report.md"), markdown);
            Files.writeString(folder.resolve("best-so-far.csv"), report.csv());
            report.chart(CurveChart.Axis.CANDIDATES).write(folder.resolve("best-vs-candidates." + ext));
            report.chart(CurveChart.Axis.HOURS).write(folder.resolve("best-vs-hours." + ext));
        } catch (IOException e) {
            throw new UserInputException("cannot write the report to " + folder + ": " + e.getMessage()
                    + "; give a writable folder with --out");
        }
        console.println();
        console.println("wrote report.md, best-so-far.csv, best-vs-candidates." + ext + " and best-vs-hours." + ext + " to " + folder);
        console.flush();
    }

    /**
     * Each run's label: its folder's name, or parent/name for folders whose names clash
     * (runs7/evo, runs8/evo), with primes as a last resort.
     */
    static List<String> labels(List<Path> folders) {
        Map<String, Long> names = folders.stream().collect(java.util.stream.Collectors.groupingBy(
                f -> f.getFileName().toString(), java.util.stream.Collectors.counting()));
        Set<String> taken = new HashSet<>();
        List<String> labels = new ArrayList<>();
        for (Path f : folders) {
            String name = f.getFileName().toString();
            String label = names.get(name) > 1 && f.getParent() != null && f.getParent().getFileName() != null
                    ? f.getParent().getFileName() + "/" + name : name;
            while (!taken.add(label)) {
                label = label + "'";
            }
            labels.add(label);
        }
        return labels;
    }
}

package dev.evonorm.report;

import dev.evonorm.graph.CoefficientForm;
import dev.evonorm.graph.Formula;
import dev.evonorm.search.CandidateRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A report over one or more search runs, for comparing them side by side (evolution against
 * RS+rej at equal budget, Pareto against Average selection, ...): a summary per run, the
 * best-so-far curves sampled at round numbers of candidates (the full curves go to CSV and
 * charts), each run's best layers, and each run's rejection funnel with the cost per stage.
 */
public final class SearchReport {

    /**
     * One run as stored: a label (its folder name), its settings, its candidates in recorded order,
     * and their best-so-far curve (computed once; every section of the report reads it).
     */
    public record Run(String label, Map<String, String> settings, List<CandidateRecord> candidates, BestSoFar curve) {
        public Run {
            settings = Map.copyOf(settings);
            candidates = List.copyOf(candidates);
        }

        public Run(String label, Map<String, String> settings, List<CandidateRecord> candidates) {
            this(label, settings, candidates, BestSoFar.of(candidates));
        }
    }

    private final List<Run> runs;
    private final String referenceLabel;
    private final double reference;

    /** @param reference accuracy (0..1) of a reference layer on the same proxy, NaN for none */
    public SearchReport(List<Run> runs, String referenceLabel, double reference) {
        this.runs = List.copyOf(runs);
        this.referenceLabel = referenceLabel;
        this.reference = reference;
    }

    public String markdown(int topLayers) {
        StringBuilder b = new StringBuilder("# Search report\n\n");
        b.append("| run | strategy | space | selection | architectures | lr | recorded | evaluated | accepted | evaluation h | best mean % | best per architecture % |\n");
        b.append("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            BestSoFar.Point last = r.curve().last();
            CandidateRecord best = best(r, 1).stream().findFirst().orElse(null);
            long accepted = r.candidates().stream().filter(c -> c.wasEvaluated() && c.accepted()).count();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %d | %d | %.2f | %s | %s |%n", r.label(),
                    setting(r, "strategy"), setting(r, "space"), setting(r, "selection"), setting(r, "archs"), setting(r, "lr"),
                    r.candidates().size(),
                    last == null ? 0 : last.evaluated(), accepted, last == null ? 0 : last.hours(),
                    best == null ? "–" : percent(best.meanAccuracy()), best == null ? "–" : perArchitecture(best)));
        }
        appendDifferingSettings(b);
        appendDistinctForms(b);
        if (!Double.isNaN(reference)) {
            b.append(String.format(Locale.ROOT, "%nReference: %s %.2f%% mean on the same proxy.%n", referenceLabel, 100 * reference));
            for (Run r : runs) {
                int n = r.curve().candidatesToReach(reference - 0.01);
                b.append(String.format(Locale.ROOT, "- %s: %s%n", r.label(), n < 0
                        ? "never came within 1 point of it"
                        : "came within 1 point of it after " + n + " candidates evaluated"));
            }
        }

        b.append("\n## Best mean accuracy so far (%)\n\n| candidates evaluated |");
        runs.forEach(r -> b.append(' ').append(r.label()).append(" |"));
        b.append("\n|---:|");
        runs.forEach(r -> b.append("---:|"));
        b.append('\n');
        for (int n : checkpoints()) {
            b.append("| ").append(n).append(" |");
            for (Run r : runs) {
                BestSoFar.Point p = r.curve().last() != null && r.curve().last().evaluated() >= n ? r.curve().at(n) : null;
                b.append(' ').append(p == null ? "" : Double.isNaN(p.best()) ? "–" : percent(p.best())).append(" |");
            }
            b.append('\n');
        }

        for (Run r : runs) {
            b.append("\n## ").append(r.label()).append(": best layers\n\n");
            List<CandidateRecord> top = best(r, topLayers);
            if (top.isEmpty()) {
                b.append("No candidate passed every screen.\n");
            } else {
                b.append("| rank | id | mean % | per architecture % | found after | formula |\n|---:|---:|---:|---|---:|---|\n");
                int rank = 1;
                for (CandidateRecord c : top) {
                    b.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %d | `%s` |%n", rank++, c.id(), percent(c.meanAccuracy()),
                            perArchitecture(c), evaluatedBefore(r, c.id()), Formula.unicode(c.graph())));
                }
            }
            populationSection(b, r);
            b.append("\n## ").append(r.label()).append(": rejection funnel\n\n").append(RejectionFunnel.of(r.candidates()).markdown());
        }
        return b.toString();
    }

    /**
     * How many different layers each run trained, counting variants that differ only in how a
     * per-channel coefficient is written ({@link CoefficientForm}) as one: a run that spends its
     * budget on spellings of one function shows many candidates and few forms.
     */
    private void appendDistinctForms(StringBuilder b) {
        b.append("\nDistinct layers up to coefficients (`tanh(x) + v0·x` and `tanh(x) + tanh(v0)·x` count once):\n\n");
        b.append("| run | evaluated | their forms | accepted | their forms |\n|---|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            List<CandidateRecord> evaluated = r.candidates().stream().filter(CandidateRecord::wasEvaluated).toList();
            List<CandidateRecord> accepted = evaluated.stream().filter(CandidateRecord::accepted).toList();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", r.label(), evaluated.size(), forms(evaluated),
                    accepted.size(), forms(accepted)));
        }
    }

    private static long forms(List<CandidateRecord> candidates) {
        return candidates.stream().map(c -> CoefficientForm.hash(c.graph())).distinct().count();
    }

    /**
     * For an evolution run, its population at the same checkpoints as the best-so-far table: how
     * many members, how many at chance on some architecture, how good they were on average. Random
     * search has no population and gets no section.
     */
    private void populationSection(StringBuilder b, Run r) {
        PopulationHistory history = populationHistory(r);
        if (history == null || history.snapshots().isEmpty()) {
            return;
        }
        int full = history.fullAfter();
        b.append("\n## ").append(r.label()).append(": population\n\n");
        b.append(String.format(Locale.ROOT, "Population %d; %s. \"At chance\": below the quality threshold (%s%%) on some architecture.%n%n",
                history.capacity(), full < 0 ? "never full" : "full after " + full + " candidates evaluated",
                percentShort(history.threshold())));
        b.append("| candidates evaluated | mutants evaluated | members | at chance somewhere | members' mean % (average) | best member % |\n");
        b.append("|---:|---:|---:|---:|---:|---:|\n");
        int last = history.snapshots().size();
        for (int n : checkpoints()) {
            if (n > last) {
                continue;
            }
            PopulationHistory.Snapshot s = history.at(n);
            b.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %s |%n", n, s.mutantsEvaluated(), s.members(),
                    s.atChanceSomewhere(), s.members() == 0 ? "–" : percent(s.meanOfMeans()),
                    s.members() == 0 ? "–" : percent(s.best()) + " (#" + s.bestId() + ")"));
        }
    }

    /** The run's population history, or null for a run without one (random search, or a record without its size). */
    private static PopulationHistory populationHistory(Run r) {
        String size = r.settings().get("population");
        if (!"evolution".equals(r.settings().get("strategy")) || size == null) {
            return null;
        }
        return PopulationHistory.of(r.candidates(), Integer.parseInt(size), qualityThreshold(r));
    }

    private static double qualityThreshold(Run r) {
        String t = r.settings().get("quality_threshold");
        return t == null || t.isEmpty() ? 0.2 : Double.parseDouble(t);
    }

    private static String percentShort(double fraction) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.2f", 100 * fraction)).stripTrailingZeros().toPlainString();
    }

    /** Every run's full best-so-far curve: one line per evaluated candidate. */
    public String csv() {
        StringBuilder b = new StringBuilder("run,evaluated,evaluation_hours,best_mean_accuracy,best_candidate\n");
        for (Run r : runs) {
            for (BestSoFar.Point p : r.curve().points()) {
                b.append(String.format(Locale.ROOT, "%s,%d,%.5f,%s,%s%n", r.label(), p.evaluated(), p.hours(),
                        Double.isNaN(p.best()) ? "" : String.format(Locale.ROOT, "%.5f", p.best()), p.bestId() == 0 ? "" : p.bestId()));
            }
        }
        return b.toString();
    }

    /** Charts of all runs' curves, against candidates or hours. */
    public CurveChart chart(CurveChart.Axis axis) {
        CurveChart chart = new CurveChart(axis);
        runs.forEach(r -> chart.add(r.label() + " (" + r.settings().get("strategy") + ")", r.curve()));
        if (!Double.isNaN(reference)) {
            chart.reference(referenceLabel, reference);
        }
        return chart;
    }

    /** 25, 50, 100, 200, 500, ... up to the longest run, plus each run's own end. */
    List<Integer> checkpoints() {
        TreeSet<Integer> points = new TreeSet<>();
        int longest = 0;
        for (Run r : runs) {
            BestSoFar.Point last = r.curve().last();
            if (last != null) {
                longest = Math.max(longest, last.evaluated());
                points.add(last.evaluated());
            }
        }
        int[] steps = {1, 2, 5};
        for (long scale = 10; scale <= longest; scale *= 10) {
            for (int s : steps) {
                if (s * scale <= longest && s * scale >= 25) {
                    points.add((int) (s * scale));
                }
            }
        }
        if (longest >= 25) {
            points.add(25);
        }
        return new ArrayList<>(points);
    }

    private static List<CandidateRecord> best(Run r, int limit) {
        return r.candidates().stream().filter(c -> c.wasEvaluated() && c.accepted())
                .sorted(Comparator.comparingDouble(CandidateRecord::meanAccuracy).reversed().thenComparingLong(CandidateRecord::id))
                .limit(limit).collect(Collectors.toList());
    }

    private static int evaluatedBefore(Run r, long id) {
        int n = 0;
        for (CandidateRecord c : r.candidates()) {
            if (c.wasEvaluated()) {
                n++;
            }
            if (c.id() == id) {
                return n;
            }
        }
        return n;
    }

    /**
     * The settings whose values are not the same in every run (a setting a run lacks counts as
     * "–"): what a comparison of runs is a comparison of.
     */
    private void appendDifferingSettings(StringBuilder b) {
        if (runs.size() < 2) {
            return;
        }
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        runs.forEach(r -> keys.addAll(r.settings().keySet()));
        List<String> differing = keys.stream()
                .filter(k -> runs.stream().map(r -> setting(r, k)).distinct().count() > 1)
                .toList();
        if (differing.isEmpty()) {
            b.append("\nAll runs have the same settings.\n");
            return;
        }
        b.append("\nSettings that differ:\n\n| setting |");
        runs.forEach(r -> b.append(' ').append(r.label()).append(" |"));
        b.append("\n|---|");
        runs.forEach(r -> b.append("---|"));
        b.append('\n');
        for (String k : differing) {
            b.append("| ").append(k).append(" |");
            runs.forEach(r -> b.append(' ').append(setting(r, k).replace("|", "\\|")).append(" |"));
            b.append('\n');
        }
    }

    private static String setting(Run r, String key) {
        return r.settings().getOrDefault(key, "–");
    }

    private static String perArchitecture(CandidateRecord c) {
        return Arrays.stream(c.accuracies()).mapToObj(SearchReport::percent).collect(Collectors.joining(" / "));
    }

    private static String percent(double accuracy) {
        return String.format(Locale.ROOT, "%.2f", 100 * accuracy);
    }
}

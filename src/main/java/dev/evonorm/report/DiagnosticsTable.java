package dev.evonorm.report;

import dev.evonorm.screen.InitDiagnostics;
import dev.evonorm.screen.SiteMeasures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The initialization diagnostics of several layers on several networks, each averaged over the
 * initializations measured: a summary per network (first and last site), every site, and CSV.
 */
public final class DiagnosticsTable {

    /** One layer on one network: the mean over initializations, site by site; or why it could not run. */
    public record Entry(String architecture, String layer, int initializations, double loss, List<SiteMeasures> sites,
                        String failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** The measures that can be plotted or summarized, with how they are named. */
    public enum Measure {
        VARIANCE("activation variance", "input_variance", SiteMeasures::inputVariance, true),
        COSINE("cosine similarity between samples", "cosine", SiteMeasures::cosine, false),
        STABLE_RANK("stable rank of the samples' Gram matrix", "stable_rank", SiteMeasures::stableRank, false),
        GRADIENT("gradient norm", "gradient_norm", SiteMeasures::gradientNorm, true);

        final String title;
        final String column;
        final ToDoubleFunction<SiteMeasures> value;
        /** Spans orders of magnitude: plotted on a log axis. */
        final boolean logarithmic;

        Measure(String title, String column, ToDoubleFunction<SiteMeasures> value, boolean logarithmic) {
            this.title = title;
            this.column = column;
            this.value = value;
            this.logarithmic = logarithmic;
        }

        public String column() {
            return column;
        }
    }

    private final String setting;
    private final Map<String, List<Entry>> byArchitecture = new LinkedHashMap<>();

    /** @param setting one line saying what was measured (dataset, batch, initializations) */
    public DiagnosticsTable(String setting) {
        this.setting = setting;
    }

    /** Adds a layer's results on one network, averaging the initializations site by site. */
    public Entry add(String architecture, String layer, List<InitDiagnostics.Result> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no initialization measured for " + layer + " on " + architecture);
        }
        List<SiteMeasures> first = results.get(0).sites();
        List<SiteMeasures> mean = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            SiteMeasures s = first.get(i);
            int k = i;
            mean.add(new SiteMeasures(s.index(), s.site(), s.channels(),
                    average(results, r -> r.sites().get(k).inputVariance()),
                    average(results, r -> r.sites().get(k).outputVariance()),
                    average(results, r -> r.sites().get(k).cosine()),
                    average(results, r -> r.sites().get(k).stableRank()),
                    average(results, r -> r.sites().get(k).gradientNorm())));
        }
        Entry entry = new Entry(architecture, layer, results.size(), average(results, InitDiagnostics.Result::loss),
                List.copyOf(mean), null);
        byArchitecture.computeIfAbsent(architecture, a -> new ArrayList<>()).add(entry);
        return entry;
    }

    /** Records that a layer could not be measured on a network (the engine failed), with the reason. */
    public void addFailure(String architecture, String layer, String reason) {
        byArchitecture.computeIfAbsent(architecture, a -> new ArrayList<>())
                .add(new Entry(architecture, layer, 0, Double.NaN, List.of(), reason));
    }

    public List<Entry> entries(String architecture) {
        return byArchitecture.getOrDefault(architecture, List.of());
    }

    public List<String> architectures() {
        return List.copyOf(byArchitecture.keySet());
    }

    private static double average(List<InitDiagnostics.Result> results, ToDoubleFunction<InitDiagnostics.Result> f) {
        double sum = 0;
        for (InitDiagnostics.Result r : results) {
            sum += f.applyAsDouble(r);
        }
        return sum / results.size();
    }

    /** Per network: each layer's loss at initialization and its figures at the first and last site. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (String arch : byArchitecture.keySet()) {
            List<Entry> entries = byArchitecture.get(arch);
            int sites = entries.stream().mapToInt(e -> e.sites().size()).max().orElse(0);
            b.append(String.format(Locale.ROOT, "Initialization diagnostics: %s (%d sites), %s; first site → last site%n%n", arch, sites, setting));
            b.append("| layer | loss | activation variance | cosine similarity | stable rank | gradient norm | gradient first / last |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Entry e : entries) {
                if (e.failed()) {
                    b.append("| ").append(e.layer()).append(" | failed: ").append(e.failure()).append(" | | | | | |\n");
                    continue;
                }
                SiteMeasures first = e.sites().get(0);
                SiteMeasures last = e.sites().get(e.sites().size() - 1);
                b.append(String.format(Locale.ROOT, "| %s | %s | %s → %s | %s → %s | %s → %s | %s → %s | %s |%n", e.layer(),
                        number(e.loss()), number(first.inputVariance()), number(last.inputVariance()),
                        fixed(first.cosine()), fixed(last.cosine()), fixed(first.stableRank()), fixed(last.stableRank()),
                        number(first.gradientNorm()), number(last.gradientNorm()),
                        number(first.gradientNorm() / last.gradientNorm())));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Every site of every layer on every network. */
    public String sites() {
        StringBuilder b = new StringBuilder();
        for (String arch : byArchitecture.keySet()) {
            for (Entry e : byArchitecture.get(arch)) {
                if (e.failed()) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "%s on %s, %s%n%n", e.layer(), arch, setting));
                b.append("| # | site | channels | input variance | output variance | cosine | stable rank | gradient norm |\n");
                b.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
                for (SiteMeasures s : e.sites()) {
                    b.append(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %s | %s |%n", s.index(), s.site(),
                            s.channels(), number(s.inputVariance()), number(s.outputVariance()), fixed(s.cosine()),
                            fixed(s.stableRank()), number(s.gradientNorm())));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** One row per site, layer and network. */
    public String csv() {
        StringBuilder b = new StringBuilder("architecture,layer,initializations,loss,index,site,channels,input_variance,output_variance,cosine,stable_rank,gradient_norm\n");
        for (String arch : byArchitecture.keySet()) {
            for (Entry e : byArchitecture.get(arch)) {
                for (SiteMeasures s : e.sites()) {
                    b.append(String.join(",", arch, e.layer(), Integer.toString(e.initializations()), Double.toString(e.loss()),
                            Integer.toString(s.index()), s.site(), Integer.toString(s.channels()),
                            Double.toString(s.inputVariance()), Double.toString(s.outputVariance()), Double.toString(s.cosine()),
                            Double.toString(s.stableRank()), Double.toString(s.gradientNorm()))).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Three significant digits, scientific beyond 10⁴ or below 10⁻³. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        return a != 0 && (a >= 1e4 || a < 1e-3) ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.2f", v);
    }
}

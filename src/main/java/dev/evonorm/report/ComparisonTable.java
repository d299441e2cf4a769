package dev.evonorm.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A paper-style table: one row per layer, one column per setting (architecture or batch size),
 * cells "mean ± std" of accuracy in percent over seeds, and a mean column. A failed training
 * (NaN, divergence) counts as chance accuracy, as the paper reports failing layers, and the cell
 * is marked with how many of its runs failed.
 */
public final class ComparisonTable {
    private final String title;
    private final List<String> columns;
    private final double chance;
    private final Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> failures = new LinkedHashMap<>();

    public ComparisonTable(String title, List<String> columns, double chance) {
        this.title = title;
        this.columns = List.copyOf(columns);
        this.chance = chance;
    }

    /** Adds one run's validation accuracy (0..1). */
    public void add(String row, String column, double accuracy) {
        cells.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(column, c -> new ArrayList<>()).add(accuracy);
    }

    /** Adds one failed run: counted as chance accuracy and marked. */
    public void addFailure(String row, String column) {
        add(row, column, chance);
        failures.computeIfAbsent(row, r -> new LinkedHashMap<>()).merge(column, 1, Integer::sum);
    }

    public List<String> rows() {
        return List.copyOf(cells.keySet());
    }

    /** Mean accuracy (0..1) of a cell, NaN when empty. */
    public double mean(String row, String column) {
        List<Double> v = values(row, column);
        return v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (0..1) of a cell; 0 for a single run. */
    public double std(String row, String column) {
        List<Double> v = values(row, column);
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(row, column);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.size() - 1));
    }

    /** Mean over the columns of the row's cell means. */
    public double rowMean(String row) {
        return columns.stream().mapToDouble(c -> mean(row, c)).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    public int failures(String row, String column) {
        return failures.getOrDefault(row, Map.of()).getOrDefault(column, 0);
    }

    private List<Double> values(String row, String column) {
        return cells.getOrDefault(row, Map.of()).getOrDefault(column, List.of());
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        if (!title.isEmpty()) {
            b.append("**").append(title).append("**\n\n");
        }
        b.append("| layer |");
        columns.forEach(c -> b.append(' ').append(c).append(" |"));
        b.append(" mean |\n|---|");
        columns.forEach(c -> b.append("---|"));
        b.append("---|\n");
        boolean anyFailure = false;
        for (String row : cells.keySet()) {
            b.append("| ").append(row).append(" |");
            for (String c : columns) {
                int n = values(row, c).size();
                if (n == 0) {
                    b.append(" – |");
                    continue;
                }
                b.append(String.format(Locale.ROOT, " %.1f ± %.1f", 100 * mean(row, c), 100 * std(row, c)));
                int f = failures(row, c);
                if (f > 0) {
                    b.append(String.format(Locale.ROOT, " (%d/%d failed)", f, n));
                    anyFailure = true;
                }
                b.append(" |");
            }
            b.append(String.format(Locale.ROOT, " %.1f |%n", 100 * rowMean(row)));
        }
        if (anyFailure) {
            b.append("\nA failed run (NaN or diverging loss) counts as chance accuracy (")
                    .append(String.format(Locale.ROOT, "%.1f", 100 * chance)).append("%).\n");
        }
        return b.toString();
    }

    public String csv() {
        StringBuilder b = new StringBuilder("layer,column,runs,failed,mean,std\n");
        for (String row : cells.keySet()) {
            for (String c : columns) {
                int n = values(row, c).size();
                if (n > 0) {
                    b.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.5f,%.5f%n", csvField(row), csvField(c), n,
                            failures(row, c), mean(row, c), std(row, c)));
                }
            }
        }
        return b.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}

package dev.evonorm.report;

import dev.evonorm.screen.Stage;
import dev.evonorm.search.CandidateRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run's candidates ended and what each stage cost: for every stage, how many candidates it
 * reached and how many it stopped (structural duplicates, never evaluated, apart from functional ones),
 * and the median and total seconds the stage itself took over every candidate that ran it. The
 * cost is what a stage charges each candidate that reaches it, so the cheapest-first ordering can
 * be checked against the numbers.
 */
public final class RejectionFunnel {

    /**
     * @param label stage name, or "duplicate (structure)" for candidates caught before evaluation
     * @param stopped candidates whose evaluation ended at this stage
     * @param reached candidates that reached this stage (the ones it stopped included)
     * @param medianSeconds median seconds this stage took per candidate that ran it (NaN if it has
     *     no time of its own, as the functional dedupe, a lookup done with the numeric probe)
     * @param totalSeconds seconds this stage took over the whole run
     */
    public record Row(String label, int reached, int stopped, double medianSeconds, double totalSeconds) {
    }

    private final List<Row> rows;
    private final int total;

    private RejectionFunnel(List<Row> rows, int total) {
        this.rows = List.copyOf(rows);
        this.total = total;
    }

    public static RejectionFunnel of(List<CandidateRecord> recorded) {
        Map<Stage, Integer> stopped = new EnumMap<>(Stage.class);
        Map<String, List<Double>> stageTimes = new java.util.HashMap<>();
        int structural = 0;
        for (CandidateRecord r : recorded) {
            if (!r.wasEvaluated()) {
                structural++;
                continue;
            }
            stopped.merge(r.verdict().stage(), 1, Integer::sum);
            r.verdict().stageSeconds().forEach((stage, s) -> stageTimes.computeIfAbsent(stage, k -> new ArrayList<>()).add(s));
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("duplicate (structure)", recorded.size(), structural, Double.NaN, 0));
        int reached = recorded.size() - structural;
        for (Stage s : Stage.values()) {
            List<Double> times = stageTimes.getOrDefault(s.token(), List.of());
            String label = s == Stage.DUPLICATE ? "duplicate (function)" : s.token();
            int stoppedHere = stopped.getOrDefault(s, 0);
            rows.add(new Row(label, reached, stoppedHere, median(times), times.stream().mapToDouble(Double::doubleValue).sum()));
            reached -= stoppedHere;
        }
        return new RejectionFunnel(rows, recorded.size());
    }

    public List<Row> rows() {
        return rows;
    }

    /** Every candidate recorded, duplicates included. */
    public int total() {
        return total;
    }

    /** A Markdown table: reached, stopped (count and share of all recorded), median and total cost of each stage. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| stage | reached | stopped here | share of all | median s per candidate | total s |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f%% | %s | %.0f |%n", r.label(), r.reached(),
                    r.stopped(), total == 0 ? 0.0 : 100.0 * r.stopped() / total,
                    Double.isNaN(r.medianSeconds()) ? "–" : formatSeconds(r.medianSeconds()), r.totalSeconds()));
        }
        return b.toString();
    }

    private static String formatSeconds(double s) {
        return s < 0.1 ? String.format(Locale.ROOT, "%.4f", s) : String.format(Locale.ROOT, "%.2f", s);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}

package dev.evonorm.report;

import dev.evonorm.search.CandidateRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's best-so-far curve: after each evaluated candidate, the best mean accuracy over the search
 * architectures among the candidates accepted so far. Structural duplicates are skipped, as they
 * never reach the evaluator and do not count against the budget; time is the evaluation time
 * spent so far (the sum of the candidates' own seconds), so runs interrupted and resumed are
 * measured by the work they did, not by the calendar.
 */
public final class BestSoFar {

    /**
     * @param evaluated candidates evaluated so far, this one included (1-based)
     * @param hours evaluation time so far
     * @param best best mean accuracy so far (0..1), NaN while nothing has been accepted
     * @param bestId the candidate holding {@code best}, 0 while nothing has been accepted
     */
    public record Point(int evaluated, double hours, double best, long bestId) {
    }

    private final List<Point> points;

    private BestSoFar(List<Point> points) {
        this.points = List.copyOf(points);
    }

    /** The curve of candidates in the order the run recorded them. */
    public static BestSoFar of(List<CandidateRecord> recorded) {
        List<Point> out = new ArrayList<>();
        double best = Double.NaN;
        long bestId = 0;
        double seconds = 0;
        int evaluated = 0;
        for (CandidateRecord r : recorded) {
            if (!r.wasEvaluated()) {
                continue;
            }
            evaluated++;
            seconds += r.verdict().seconds();
            if (r.accepted() && (Double.isNaN(best) || r.meanAccuracy() > best)) {
                best = r.meanAccuracy();
                bestId = r.id();
            }
            out.add(new Point(evaluated, seconds / 3600, best, bestId));
        }
        return new BestSoFar(out);
    }

    public List<Point> points() {
        return points;
    }

    /** The last point, or null for a run that evaluated nothing. */
    public Point last() {
        return points.isEmpty() ? null : points.get(points.size() - 1);
    }

    /** The point after {@code evaluated} candidates, or the last one if the run stopped earlier. */
    public Point at(int evaluated) {
        if (points.isEmpty()) {
            return null;
        }
        return points.get(Math.min(evaluated, points.size()) - 1);
    }

    /** How many candidates it took to reach {@code accuracy}, or -1 if the run never did. */
    public int candidatesToReach(double accuracy) {
        for (Point p : points) {
            if (!Double.isNaN(p.best()) && p.best() >= accuracy) {
                return p.evaluated();
            }
        }
        return -1;
    }
}

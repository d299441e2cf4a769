package dev.evonorm.report;

import dev.evonorm.search.AgingPopulation;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * What an aging-evolution run's population looked like as the run went on, rebuilt from its record.
 * No history of the population is stored, and none is needed: in regularized evolution the
 * population is always the {@code capacity} most recently accepted candidates (an accepted
 * candidate joins as the newest, the oldest leaves, nothing else moves), so replaying the accepted
 * candidates in recorded order through the search's own {@link AgingPopulation} gives it after
 * every evaluation.
 *
 * <p>It answers the question a best-so-far curve cannot: are the tournaments drawing from layers
 * that learn? A member counts as <em>at chance somewhere</em> when one of its per-architecture
 * accuracies is below the quality threshold: it trained on the architecture the quality protocol
 * looked at and not on another. Such members crowded the population of a 2-hour search
 * (docs/benchmarks.md), which is what {@code --quality-archs all} is for.
 */
public final class PopulationHistory {

    /**
     * The population after {@code evaluated} candidates.
     *
     * @param members how many layers it held
     * @param atChanceSomewhere members below the threshold on at least one architecture
     * @param meanOfMeans the mean over members of their mean accuracy (0..1), NaN when empty
     * @param best the best member's mean accuracy, NaN when empty
     * @param bestId the candidate holding {@code best}, 0 when empty
     * @param mutantsEvaluated mutants evaluated so far (how much evolving the run had done)
     */
    public record Snapshot(int evaluated, int members, int atChanceSomewhere, double meanOfMeans, double best, long bestId,
                           int mutantsEvaluated) {
    }

    private final List<Snapshot> snapshots;
    private final List<Long> finalMembers;
    private final int capacity;
    private final double threshold;

    private PopulationHistory(List<Snapshot> snapshots, List<Long> finalMembers, int capacity, double threshold) {
        this.snapshots = List.copyOf(snapshots);
        this.finalMembers = List.copyOf(finalMembers);
        this.capacity = capacity;
        this.threshold = threshold;
    }

    /**
     * @param recorded the run's candidates in recorded order
     * @param capacity the run's population size (at least 2, as for the search)
     * @param threshold the quality threshold (0..1) below which an accuracy counts as at chance
     */
    public static PopulationHistory of(List<CandidateRecord> recorded, int capacity, double threshold) {
        AgingPopulation<CandidateRecord> population = new AgingPopulation<>(capacity);
        List<Snapshot> out = new ArrayList<>();
        int evaluated = 0;
        int mutants = 0;
        for (CandidateRecord r : recorded) {
            if (!r.wasEvaluated()) {
                continue; // structural duplicates are neither evaluated nor members
            }
            evaluated++;
            if (r.origin() == Origin.MUTATION) {
                mutants++;
            }
            if (r.accepted()) {
                population.add(r);
            }
            out.add(snapshot(evaluated, population.members(), threshold, mutants));
        }
        return new PopulationHistory(out, population.members().stream().map(CandidateRecord::id).toList(), capacity, threshold);
    }

    private static Snapshot snapshot(int evaluated, List<CandidateRecord> population, double threshold, int mutants) {
        int atChance = 0;
        double sum = 0;
        double best = Double.NaN;
        long bestId = 0;
        for (CandidateRecord m : population) {
            for (double a : m.accuracies()) {
                if (a < threshold) {
                    atChance++;
                    break;
                }
            }
            double mean = m.meanAccuracy();
            sum += mean;
            if (Double.isNaN(best) || mean > best) {
                best = mean;
                bestId = m.id();
            }
        }
        double meanOfMeans = population.isEmpty() ? Double.NaN : sum / population.size();
        return new Snapshot(evaluated, population.size(), atChance, meanOfMeans, best, bestId, mutants);
    }

    public List<Snapshot> snapshots() {
        return snapshots;
    }

    public int capacity() {
        return capacity;
    }

    /** The quality threshold (0..1) the "at chance" counts were made against. */
    public double threshold() {
        return threshold;
    }

    /** The population after {@code evaluated} candidates, or the last one if the run stopped earlier; null if it evaluated nothing. */
    public Snapshot at(int evaluated) {
        if (snapshots.isEmpty() || evaluated < 1) {
            return null;
        }
        return snapshots.get(Math.min(evaluated, snapshots.size()) - 1);
    }

    /** Candidates evaluated when the population first held {@code capacity} members, or -1 if it never did. */
    public int fullAfter() {
        for (Snapshot s : snapshots) {
            if (s.members() >= capacity) {
                return s.evaluated();
            }
        }
        return -1;
    }

    /** The members at the end of the record, oldest first: what the run's store holds as its population. */
    public List<Long> finalMembers() {
        return finalMembers;
    }
}

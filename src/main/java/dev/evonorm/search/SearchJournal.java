package dev.evonorm.search;

import java.util.List;

/**
 * Where a search writes what happened, as it happens, so that a killed run resumes from it. The
 * run database implements it; tests use an in-memory one.
 */
public interface SearchJournal {

    /** Every recorded candidate, in the order they were recorded. */
    List<CandidateRecord> completed();

    /**
     * Records a finished candidate together with the population it leaves behind (ids, oldest
     * first), atomically.
     */
    void record(CandidateRecord candidate, List<Long> populationAfter);

    /** Search wall time spent in earlier sessions of this run, in seconds. */
    double elapsedSeconds();

    /** Stores the run's total search wall time so far. */
    void saveElapsedSeconds(double seconds);
}

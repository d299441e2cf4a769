package dev.evonorm.search;

import java.util.ArrayList;
import java.util.List;

/** An in-memory journal for tests. */
public final class MemoryJournal implements SearchJournal {
    final List<CandidateRecord> records = new ArrayList<>();
    final List<List<Long>> populations = new ArrayList<>();
    double elapsed;

    public MemoryJournal() {
    }

    MemoryJournal(List<CandidateRecord> prefix) {
        records.addAll(prefix);
    }

    @Override
    public List<CandidateRecord> completed() {
        return List.copyOf(records);
    }

    @Override
    public void record(CandidateRecord candidate, List<Long> populationAfter) {
        records.add(candidate);
        populations.add(populationAfter);
    }

    /** The population the search reported after each record, in record order. */
    public List<List<Long>> populationsAfterEachRecord() {
        return List.copyOf(populations);
    }

    @Override
    public double elapsedSeconds() {
        return elapsed;
    }

    @Override
    public void saveElapsedSeconds(double seconds) {
        elapsed = seconds;
    }
}

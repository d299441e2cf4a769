package dev.evonorm.search;

/** Observes a run: a live display, periodic log lines, tests. Called on the search thread. */
public interface SearchListener {
    default void onStart(SearchProgress.Snapshot resumedFrom) {
    }

    default void onRecorded(CandidateRecord record, SearchProgress.Snapshot progress) {
    }

    default void onFinish(SearchRun.Outcome outcome) {
    }
}

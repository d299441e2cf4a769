package dev.evonorm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.SearchSpace;
import dev.evonorm.search.Budget;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.InProcessEvaluator;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    private static SearchConfig config(long budget) {
        return new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 6, 3,
                Budget.ofCandidates(budget), 11, 10_000);
    }

    private static void search(RunStore store, long budget, int stopAfter) throws InterruptedException {
        try (InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            SearchRun[] run = new SearchRun[1];
            run[0] = new SearchRun(config(budget), evaluator, store, new SearchListener() {
                @Override
                public void onRecorded(CandidateRecord record, dev.evonorm.search.SearchProgress.Snapshot progress) {
                    if (progress.evaluated() == stopAfter) {
                        run[0].requestStop();
                    }
                }
            });
            run[0].run();
        }
    }

    @Test
    void recordsRoundTripAndARunResumesExactly() throws Exception {
        Path whole = dir.resolve("whole/run.db");
        try (RunStore s = RunStore.create(whole, Map.of("seed", "11"))) {
            search(s, 80, -1);
        }
        Path split = dir.resolve("split/run.db");
        try (RunStore s = RunStore.create(split, Map.of("seed", "11"))) {
            search(s, 80, 30);
        }
        try (RunStore s = RunStore.open(split)) {
            assertEquals(30, s.completed().stream().filter(CandidateRecord::wasEvaluated).count());
            search(s, 80, -1);
        }
        try (RunStore a = RunStore.open(whole); RunStore b = RunStore.open(split)) {
            List<CandidateRecord> x = a.completed();
            List<CandidateRecord> y = b.completed();
            assertEquals(x.size(), y.size());
            for (int i = 0; i < x.size(); i++) {
                assertEquals(x.get(i).id(), y.get(i).id());
                assertEquals(x.get(i).graph(), y.get(i).graph());
                assertEquals(x.get(i).parentId(), y.get(i).parentId());
                assertEquals(x.get(i).duplicateOf(), y.get(i).duplicateOf());
                assertEquals(x.get(i).verdict().stage(), y.get(i).verdict().stage());
                assertArrayEquals(x.get(i).accuracies(), y.get(i).accuracies());
            }
            assertEquals(a.population(), b.population());
            assertEquals(Map.of("seed", "11"), b.settings());
            List<CandidateRecord> best = a.best(3);
            assertTrue(best.get(0).meanAccuracy() >= best.get(1).meanAccuracy());
            assertTrue(a.elapsedSeconds() > 0);
        }
    }

    /**
     * A search claims functional hashes on the evaluator's threads while its loop records results
     * and the elapsed time: one connection shared by threads. Unserialized, one thread's transaction
     * ended another's ("database in auto-commit mode"), which stopped a 2-hour search at minute 46.
     */
    @Test
    void threadsSharingAStoreDoNotEndEachOthersTransactions() throws Exception {
        Path f = dir.resolve("threads/run.db");
        int threads = 4;
        int claims = 300;
        try (RunStore s = RunStore.create(f, Map.of())) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        int first = 0;
                        for (int i = 0; i < claims; i++) {
                            // Every thread claims the same hashes: exactly one claim of each is first.
                            if (s.claim("hash-" + i, thread * claims + i).isEmpty()) {
                                first++;
                            }
                            s.saveElapsedSeconds(i);
                        }
                        return first;
                    }));
                }
                int firsts = 0;
                for (java.util.concurrent.Future<Integer> d : done) {
                    firsts += d.get();
                }
                assertEquals(claims, firsts, "each hash claimed first exactly once");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void functionalHashesAreClaimedOnceAndSurviveReopening() {
        Path f = dir.resolve("r/run.db");
        try (RunStore s = RunStore.create(f, Map.of())) {
            assertEquals(OptionalLong.empty(), s.claim("abc", 4));
            assertEquals(OptionalLong.of(4), s.claim("abc", 9));
        }
        try (RunStore s = RunStore.open(f)) {
            assertEquals(OptionalLong.of(4), s.claim("abc", 12));
            assertEquals(OptionalLong.empty(), s.claim("def", 12));
        }
    }

    @Test
    void claimsOfCandidatesThatWereNeverRecordedAreForgottenOnResume() throws Exception {
        Path f = dir.resolve("r/run.db");
        long recordedId;
        try (RunStore s = RunStore.create(f, Map.of())) {
            search(s, 3, -1);
            recordedId = s.completed().get(0).id();
            assertEquals(OptionalLong.empty(), s.claim("recorded", recordedId));
            assertEquals(OptionalLong.empty(), s.claim("in-flight", 999));
            // A candidate re-proposed under its own id after a kill is not a duplicate of itself.
            assertEquals(OptionalLong.empty(), s.claim("in-flight", 999));
        }
        try (RunStore s = RunStore.open(f)) {
            int before = s.completed().size();
            assertEquals(1, s.forgetUnrecordedClaims(), "only the claim of the unrecorded candidate 999 goes");
            assertEquals(OptionalLong.empty(), s.claim("in-flight", 1000), "no evaluation stood behind 999's claim");
            assertEquals(OptionalLong.of(recordedId), s.claim("recorded", 1001), "a recorded candidate's claim stays");
            assertEquals(before, s.completed().size());
        }
    }

    @Test
    void refusesWhatIsNotARunAndLeavesItUntouched() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a database at all, just some text");
        Path otherDb = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + otherDb); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t (x INTEGER)");
        }
        for (Path p : new Path[] {text, otherDb}) {
            byte[] before = Files.readAllBytes(p);
            RunStoreException e = assertThrows(RunStoreException.class, () -> RunStore.open(p));
            assertTrue(e.getMessage().contains("not an evonorm run"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(p), "file untouched: " + p);
        }
        RunStoreException missing = assertThrows(RunStoreException.class, () -> RunStore.open(dir.resolve("nope.db")));
        assertTrue(missing.getMessage().contains("does not exist"));
        Path existing = dir.resolve("x/run.db");
        RunStore.create(existing, Map.of()).close();
        RunStoreException twice = assertThrows(RunStoreException.class, () -> RunStore.create(existing, Map.of()));
        assertTrue(twice.getMessage().contains("already exists"));
    }
}

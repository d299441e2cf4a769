package dev.evonorm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.SearchSpace;
import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Budget;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.EvaluatorFailure;
import dev.evonorm.search.MemoryJournal;
import dev.evonorm.search.Proposal;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPoolEvaluatorTest {
    @TempDir
    Path dir;

    private static final Function<Proposal, Screened> PASS = p -> new Screened(null, "f" + p.id(), 0.01, Map.of("validity", 0.01));

    private static List<String> fakeWorkerCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FakeWorker.class.getName());
    }

    private Map<String, String> settings(String... pairs) {
        Map<String, String> s = new HashMap<>();
        s.put("pid_log", dir.resolve("pids.txt").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            s.put(pairs[i], pairs[i + 1]);
        }
        return s;
    }

    private WorkerPoolEvaluator pool(int count, Map<String, String> settings) {
        return new WorkerPoolEvaluator(fakeWorkerCommand(), Map.of(), dir.resolve("logs"), count, settings, PASS);
    }

    /** Random search: what is proposed does not depend on results, so the candidates are comparable. */
    private static SearchConfig randomSearch(long candidates) {
        return new SearchConfig(SearchStrategy.RANDOM_SEARCH, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 6, 3,
                Budget.ofCandidates(candidates), 5, 10_000);
    }

    private static MemoryJournal search(WorkerPoolEvaluator pool, SearchConfig config) throws InterruptedException {
        MemoryJournal journal = new MemoryJournal();
        new SearchRun(config, pool, journal, new SearchListener() { }).run();
        return journal;
    }

    @Test
    void twoWorkersEvaluateEveryCandidateOnceWithTheVerdictTheWorkComputes() throws Exception {
        MemoryJournal journal;
        try (WorkerPoolEvaluator pool = pool(2, settings())) {
            assertEquals(2, pool.parallelism());
            journal = search(pool, randomSearch(30));
            assertEquals(0, pool.restarts());
        }
        List<CandidateRecord> evaluated = journal.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
        assertEquals(30, evaluated.size());
        Set<Long> ids = new HashSet<>();
        for (CandidateRecord r : evaluated) {
            assertTrue(ids.add(r.id()), "recorded once: " + r.id());
            Verdict expected = SyntheticFitness.evaluate(new Proposal(r.id(), r.origin(), 0, r.graph(), ""));
            assertEquals(expected.stage(), r.verdict().stage(), "candidate " + r.id());
            assertArrayEquals(expected.accuracies(), r.verdict().accuracies(), "candidate " + r.id());
            assertEquals("f" + r.id(), r.verdict().functionalHash(), "the screen's hash travels with the candidate");
        }
        Set<String> pids = new HashSet<>(Files.readAllLines(dir.resolve("pids.txt")));
        assertEquals(2, pids.size(), "both worker processes trained candidates");
    }

    @Test
    void aCandidateThatKillsItsWorkerTwiceIsARejectionAndTheSearchGoesOn() throws Exception {
        MemoryJournal journal;
        int restarts;
        try (WorkerPoolEvaluator pool = pool(2, settings("crash_every", "4"))) {
            journal = search(pool, randomSearch(20));
            restarts = pool.restarts();
        }
        List<CandidateRecord> evaluated = journal.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
        assertEquals(20, evaluated.size());
        int crashers = 0;
        for (CandidateRecord r : evaluated) {
            if (r.id() % 4 == 0) {
                crashers++;
                assertEquals(Stage.TRAINING, r.verdict().stage());
                assertTrue(r.verdict().reason().contains("killed the evaluation worker twice (exit codes 3, 3"), r.verdict().reason());
            } else {
                assertEquals(SyntheticFitness.evaluate(new Proposal(r.id(), r.origin(), 0, r.graph(), "")).stage(), r.verdict().stage());
            }
        }
        assertTrue(crashers > 0, "the budget reached some crashing ids");
        assertEquals(2 * crashers, restarts, "each crash restarts a worker");
    }

    @Test
    void aWorkerThatDiesOnceIsRestartedAndItsCandidateIsEvaluatedAgain() throws Exception {
        MemoryJournal journal;
        try (WorkerPoolEvaluator pool = pool(1, settings("crash_once_at", "3", "marker", dir.resolve("crashed").toString()))) {
            journal = search(pool, randomSearch(6));
            assertEquals(1, pool.restarts());
        }
        assertTrue(Files.exists(dir.resolve("crashed")), "the worker did die");
        CandidateRecord third = journal.completed().stream().filter(r -> r.id() == 3).findFirst().orElseThrow();
        assertEquals(SyntheticFitness.evaluate(new Proposal(3, third.origin(), 0, third.graph(), "")).stage(), third.verdict().stage(),
                "a single death is not held against the candidate");
    }

    @Test
    void aWorkerThatCannotStartIsAnErrorNamingItsLog() throws Exception {
        Path flag = Files.writeString(dir.resolve("refuse"), "");
        WorkerStartException e = assertThrows(WorkerStartException.class, () -> pool(2, settings("refuse_start_if", flag.toString())));
        assertTrue(e.getMessage().contains("worker-1.log") && e.getMessage().contains("fake worker: told not to start"), e.getMessage());
    }

    @Test
    void whenNoWorkerCanBeRestartedTheSearchStopsWithoutRecordingTheCandidate() throws Exception {
        Path flag = dir.resolve("refuse-from-now-on");
        // The worker dies on candidate 3 and refuses to come back: the evaluator itself is broken.
        Map<String, String> s = settings("crash_every", "3", "refuse_start_if", flag.toString());
        MemoryJournal journal = new MemoryJournal();
        try (WorkerPoolEvaluator pool = pool(1, s)) {
            Files.writeString(flag, "");
            assertThrows(EvaluatorFailure.class, () -> new SearchRun(randomSearch(10), pool, journal, new SearchListener() { }).run());
        }
        assertTrue(journal.completed().stream().noneMatch(r -> r.id() == 3), "candidate 3 is left for a resumed run");
        assertTrue(journal.completed().stream().anyMatch(r -> r.id() == 2), "what finished before stays recorded");
    }
}

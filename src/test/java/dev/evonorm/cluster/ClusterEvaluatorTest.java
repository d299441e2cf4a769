package dev.evonorm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Budget;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.EvaluatorFailure;
import dev.evonorm.search.MemoryJournal;
import dev.evonorm.search.Origin;
import dev.evonorm.search.Proposal;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A search member and node members in this JVM, on loopback; nodes score with SyntheticFitness. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterEvaluatorTest {
    private static final Function<Proposal, Screened> PASS = p -> new Screened(null, "f" + p.id(), 0.01, Map.of("validity", 0.01));
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void shutDown() {
        background.shutdownNow();
        for (HazelcastInstance m : members) {
            m.getLifecycleService().terminate();
        }
    }

    private static ClusterAddress freeLoopbackAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new ClusterAddress("127.0.0.1", s.getLocalPort());
        }
    }

    private ClusterEvaluator search(ClusterAddress address) {
        HazelcastInstance hz = ClusterMembers.startSearchMember(address);
        members.add(hz);
        return new ClusterEvaluator(hz, Map.of("steps", "100"), "runs/test", PASS);
    }

    private HazelcastInstance nodeMember(ClusterAddress address) {
        HazelcastInstance hz = ClusterMembers.startNodeMember(address, null);
        members.add(hz);
        return hz;
    }

    /** Scores like a worker would, on a small thread pool, and remembers what it trained. */
    private ClusterNode.Trainer synthetic(Set<Long> trained) {
        return synthetic(trained, new CountDownLatch(0));
    }

    /** As above, but each training waits for {@code go} first. */
    private ClusterNode.Trainer synthetic(Set<Long> trained, CountDownLatch go) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        return request -> CompletableFuture.supplyAsync(() -> {
            trained.add(request.id());
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Verdict v = SyntheticFitness.evaluate(new Proposal(request.id(), Origin.RANDOM, 0, request.graph(), ""));
            return new Verdict(v.stage(), v.reason(), v.accuracies(), request.screened().functionalHash(), 0.25, Map.of("training", 0.25));
        }, pool);
    }

    /** Takes candidates and never answers: a machine about to die. */
    private static ClusterNode.Trainer blackHole(Set<Long> taken) {
        return request -> {
            taken.add(request.id());
            return new CompletableFuture<>();
        };
    }

    private static SearchConfig randomSearch(long candidates) {
        return new SearchConfig(SearchStrategy.RANDOM_SEARCH, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 6, 3,
                Budget.ofCandidates(candidates), 5, 10_000);
    }

    private Future<MemoryJournal> runInBackground(ClusterEvaluator evaluator, SearchConfig config) {
        return background.submit(() -> {
            MemoryJournal journal = new MemoryJournal();
            new SearchRun(config, evaluator, journal, new SearchListener() { }).run();
            return journal;
        });
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void assertSyntheticVerdict(CandidateRecord r) {
        Verdict expected = SyntheticFitness.evaluate(new Proposal(r.id(), r.origin(), 0, r.graph(), ""));
        assertEquals(expected.stage(), r.verdict().stage(), "candidate " + r.id());
        assertArrayEquals(expected.accuracies(), r.verdict().accuracies(), "candidate " + r.id());
        assertEquals("f" + r.id(), r.verdict().functionalHash(), "the screen's hash travels with the candidate");
    }

    @Test
    void nodesThatJoinAfterTheSearchStartedShareItsCandidates() throws Exception {
        ClusterAddress address = freeLoopbackAddress();
        Set<Long> first = ConcurrentHashMap.newKeySet();
        Set<Long> second = ConcurrentHashMap.newKeySet();
        try (ClusterEvaluator evaluator = search(address)) {
            assertEquals(1, evaluator.parallelism(), "with no node yet, one candidate waits");
            assertEquals("waiting for nodes to join", evaluator.status());
            Future<MemoryJournal> run = runInBackground(evaluator, randomSearch(40));
            // The first node's trainings wait until the second joined, so that both get work.
            CountDownLatch bothJoined = new CountDownLatch(1);
            new ClusterNode(nodeMember(address), 2, "first", synthetic(first, bothJoined)).start();
            new ClusterNode(nodeMember(address), 2, "second", synthetic(second)).start();
            awaitTrue(() -> evaluator.nodes() == 2, "both nodes are registered");
            assertEquals(4, evaluator.parallelism());
            assertEquals("2 nodes, 4 slots", evaluator.status());
            bothJoined.countDown();
            MemoryJournal journal = run.get(120, TimeUnit.SECONDS);
            List<CandidateRecord> evaluated = journal.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
            assertEquals(40, evaluated.size());
            evaluated.forEach(ClusterEvaluatorTest::assertSyntheticVerdict);
            assertEquals(40, first.size() + second.size(), "each candidate trained once");
            assertTrue(!first.isEmpty() && !second.isEmpty(), "both nodes trained: " + first + " " + second);
        }
    }

    @Test
    void theCandidatesOfANodeThatDiesAreTrainedByAnother() throws Exception {
        ClusterAddress address = freeLoopbackAddress();
        Set<Long> lost = ConcurrentHashMap.newKeySet();
        Set<Long> trained = ConcurrentHashMap.newKeySet();
        try (ClusterEvaluator evaluator = search(address)) {
            HazelcastInstance doomed = nodeMember(address);
            new ClusterNode(doomed, 2, "doomed", blackHole(lost)).start();
            Future<MemoryJournal> run = runInBackground(evaluator, randomSearch(10));
            awaitTrue(() -> lost.size() == 2, "the doomed node holds two candidates");
            new ClusterNode(nodeMember(address), 2, "survivor", synthetic(trained)).start();
            doomed.getLifecycleService().terminate();
            MemoryJournal journal = run.get(120, TimeUnit.SECONDS);
            List<CandidateRecord> evaluated = journal.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
            assertEquals(10, evaluated.size());
            evaluated.forEach(ClusterEvaluatorTest::assertSyntheticVerdict);
            assertTrue(trained.containsAll(lost), "the survivor trained what the doomed node held: " + lost + " ⊄ " + trained);
        }
    }

    @Test
    void aCandidateOnThreeNodesThatLeftIsRejected() throws Exception {
        ClusterAddress address = freeLoopbackAddress();
        try (ClusterEvaluator evaluator = search(address)) {
            Future<MemoryJournal> run = runInBackground(evaluator, randomSearch(1));
            for (int i = 0; i < ClusterEvaluator.MAX_LOSSES; i++) {
                Set<Long> taken = ConcurrentHashMap.newKeySet();
                HazelcastInstance doomed = nodeMember(address);
                new ClusterNode(doomed, 1, "doomed-" + i, blackHole(taken)).start();
                awaitTrue(() -> taken.contains(1L), "node " + i + " holds candidate 1");
                doomed.getLifecycleService().terminate();
            }
            CandidateRecord r = run.get(120, TimeUnit.SECONDS).completed().get(0);
            assertEquals(Stage.TRAINING, r.verdict().stage());
            assertTrue(r.verdict().reason().contains("doomed-0, doomed-1, doomed-2"), r.verdict().reason());
        }
    }

    @Test
    void localWorkersThatFailWithdrawAndTheirCandidateGoesToANode() throws Exception {
        ClusterAddress address = freeLoopbackAddress();
        Set<Long> trained = ConcurrentHashMap.newKeySet();
        try (ClusterEvaluator evaluator = search(address)) {
            evaluator.addLocalNode(1, request -> CompletableFuture.failedFuture(new EvaluatorFailure("no evaluation worker is left")));
            Future<MemoryJournal> run = runInBackground(evaluator, randomSearch(3));
            awaitTrue(() -> evaluator.nodes() == 0, "the failed local node withdrew");
            new ClusterNode(nodeMember(address), 1, "remote", synthetic(trained)).start();
            MemoryJournal journal = run.get(120, TimeUnit.SECONDS);
            assertEquals(3, journal.completed().stream().filter(CandidateRecord::wasEvaluated).count());
            journal.completed().forEach(ClusterEvaluatorTest::assertSyntheticVerdict);
            assertEquals(Set.of(1L, 2L, 3L), trained);
        }
    }

    @Test
    void addressesParseWithADefaultPortAndSayWhatIsWrong() {
        assertEquals(new ClusterAddress("10.0.0.5", 5710), ClusterAddress.parse("10.0.0.5"));
        assertEquals(new ClusterAddress("node7", 6000), ClusterAddress.parse("node7:6000"));
        assertTrue(ClusterAddress.parse("127.0.0.1:1").isLoopback());
        for (String bad : new String[] {"", ":5710", "host:port", "host:70000"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ClusterAddress.parse(bad));
            assertTrue(e.getMessage().contains("HOST:PORT") || e.getMessage().contains("1..65535"), e.getMessage());
        }
    }
}

package dev.evonorm.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.CoefficientForm;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.screen.Stage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SearchRunTest {

    private static SearchConfig config(SearchStrategy strategy, long budget, long seed) {
        return new SearchConfig(strategy, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 8, 3,
                Budget.ofCandidates(budget), seed, 10_000);
    }

    private static MemoryJournal run(SearchConfig config, MemoryJournal journal) throws InterruptedException {
        try (InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            new SearchRun(config, evaluator, journal, new SearchListener() { }).run();
        }
        return journal;
    }

    @Test
    void evolutionRespectsBudgetPopulationAndParents() throws InterruptedException {
        MemoryJournal j = run(config(SearchStrategy.EVOLUTION, 150, 1), new MemoryJournal());
        assertEquals(150, j.records.stream().filter(CandidateRecord::wasEvaluated).count());
        Set<Long> ids = new HashSet<>();
        List<Long> populationBefore = List.of();
        for (int i = 0; i < j.records.size(); i++) {
            CandidateRecord r = j.records.get(i);
            assertTrue(ids.add(r.id()), "ids are unique");
            List<Long> after = j.populations.get(i);
            assertTrue(after.size() <= 8);
            if (r.origin() == Origin.MUTATION) {
                assertTrue(populationBefore.contains(r.parentId()), "parent " + r.parentId() + " was in the population");
                assertEquals(8, populationBefore.size(), "mutation starts once the population is full");
            }
            if (!r.accepted() || !r.wasEvaluated()) {
                assertEquals(populationBefore, after, "rejected and duplicate candidates never join");
            } else {
                assertEquals(r.id(), after.get(after.size() - 1), "an accepted candidate joins as the newest");
            }
            if (!r.wasEvaluated()) {
                assertEquals(Stage.DUPLICATE, r.verdict().stage());
                assertTrue(ids.contains(r.duplicateOf()));
            }
            populationBefore = after;
        }
        assertTrue(j.records.stream().anyMatch(r -> r.origin() == Origin.MUTATION));
    }

    @Test
    void evolutionCanStartBeforeThePopulationIsFull() throws InterruptedException {
        SearchConfig paper = config(SearchStrategy.EVOLUTION, 150, 1);
        SearchConfig early = new SearchConfig(paper.strategy(), paper.space(), paper.selection(), 8, 3, paper.budget(),
                paper.seed(), paper.maxConsecutiveDuplicates(), List.of(), 2);
        MemoryJournal whole = run(paper, new MemoryJournal());
        MemoryJournal j = run(early, new MemoryJournal());
        List<Long> populationBefore = List.of();
        boolean mutatedBeforeFull = false;
        int randomWhileFilling = 0;
        for (int i = 0; i < j.records.size(); i++) {
            CandidateRecord r = j.records.get(i);
            if (populationBefore.size() < 2) {
                assertEquals(Origin.RANDOM, r.origin(), "random until two members");
                assertEquals(whole.records.get(i).graph(), r.graph(), "the same proposals as the paper's rule until then");
            } else if (populationBefore.size() < 8) {
                // Mutants from two members on; a mutant already known gives way to a random layer.
                if (r.origin() == Origin.MUTATION) {
                    assertTrue(populationBefore.contains(r.parentId()));
                    assertTrue(r.wasEvaluated(), "no known mutant is proposed while filling: " + r.id());
                    mutatedBeforeFull = true;
                } else {
                    assertEquals(Origin.RANDOM, r.origin());
                    randomWhileFilling++;
                }
            } else {
                assertEquals(Origin.MUTATION, r.origin(), "a full population only mutates");
            }
            populationBefore = j.populations.get(i);
        }
        assertTrue(randomWhileFilling > 0, "known mutants were replaced by random layers");
        assertTrue(mutatedBeforeFull, "tournaments ran on a population of fewer than 8");
        assertEquals(8, populationBefore.size(), "and it filled");

        MemoryJournal resumed = run(early, new MemoryJournal(j.records.subList(0, 40)));
        for (int i = 0; i < j.records.size(); i++) {
            assertEquals(j.records.get(i).graph(), resumed.records.get(i).graph(), "a resume proposes the same");
        }
        for (int bad : new int[] {0, 9}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SearchConfig(
                    paper.strategy(), paper.space(), paper.selection(), 8, 3, paper.budget(), 1, 10, List.of(), bad));
            assertTrue(e.getMessage().contains("--evolve-from must be between 1 and the population size (8), got " + bad),
                    e.getMessage());
        }
    }

    @Test
    void resumedRunContinuesExactlyAsIfUninterrupted() throws InterruptedException {
        MemoryJournal whole = run(config(SearchStrategy.EVOLUTION, 120, 7), new MemoryJournal());
        for (int cut : new int[] {1, 5, 37, 90}) {
            MemoryJournal resumed = run(config(SearchStrategy.EVOLUTION, 120, 7),
                    new MemoryJournal(whole.records.subList(0, cut)));
            assertEquals(whole.records.size(), resumed.records.size(), "cut at " + cut);
            for (int i = 0; i < whole.records.size(); i++) {
                CandidateRecord a = whole.records.get(i);
                CandidateRecord b = resumed.records.get(i);
                assertEquals(a.id(), b.id());
                assertEquals(a.graph(), b.graph(), "candidate " + a.id() + " after a cut at " + cut);
                assertEquals(a.parentId(), b.parentId());
                assertEquals(a.verdict(), b.verdict());
            }
        }
    }

    private static SearchConfig coefficients(long budget, long seed) {
        SearchConfig c = config(SearchStrategy.EVOLUTION, budget, seed);
        return new SearchConfig(c.strategy(), c.space(), c.selection(), 8, 3, c.budget(), seed, c.maxConsecutiveDuplicates(),
                List.of(), 8, Dedupe.COEFFICIENTS);
    }

    @Test
    void coefficientDedupeEvaluatesEachFunctionUpToCoefficientsOnceAndResumesExactly() throws InterruptedException {
        MemoryJournal j = run(coefficients(150, 5), new MemoryJournal());
        assertEquals(150, j.records.stream().filter(CandidateRecord::wasEvaluated).count());
        Map<String, CandidateRecord> byForm = new HashMap<>();
        Map<Long, CandidateRecord> byId = new HashMap<>();
        int coarser = 0;
        for (CandidateRecord r : j.records) {
            byId.put(r.id(), r);
            String form = CoefficientForm.hash(r.graph());
            if (r.wasEvaluated()) {
                assertTrue(byForm.putIfAbsent(form, r) == null, "evaluated twice up to coefficients: " + r.id());
            } else {
                CandidateRecord original = byId.get(r.duplicateOf());
                assertEquals(form, CoefficientForm.hash(original.graph()));
                assertEquals("same structure up to its per-channel coefficients as candidate " + original.id(),
                        r.verdict().reason());
                if (!original.structuralHash().equals(r.structuralHash())) {
                    coarser++;
                }
            }
        }
        assertTrue(coarser > 0, "some duplicates differ in structure, only in their coefficients");
        MemoryJournal structural = run(config(SearchStrategy.EVOLUTION, 150, 5), new MemoryJournal());
        assertTrue(structural.records.stream().filter(CandidateRecord::wasEvaluated)
                .map(r -> CoefficientForm.hash(r.graph())).distinct().count() < 150,
                "deduplicating by structure alone evaluates some function twice up to coefficients");
        for (int cut : new int[] {3, 60, 140}) {
            MemoryJournal resumed = run(coefficients(150, 5), new MemoryJournal(j.records.subList(0, cut)));
            assertEquals(j.records.size(), resumed.records.size(), "cut at " + cut);
            for (int i = 0; i < j.records.size(); i++) {
                assertEquals(j.records.get(i).graph(), resumed.records.get(i).graph(), "candidate " + (i + 1) + " after a cut at " + cut);
                assertEquals(j.records.get(i).verdict(), resumed.records.get(i).verdict());
            }
        }
    }

    @Test
    void randomSearchOnlyDrawsRandomLayers() throws InterruptedException {
        MemoryJournal j = run(config(SearchStrategy.RANDOM_SEARCH, 60, 3), new MemoryJournal());
        assertTrue(j.records.stream().allMatch(r -> r.origin() == Origin.RANDOM && r.parentId() == 0));
        assertEquals(60, j.records.stream().filter(CandidateRecord::wasEvaluated).count());
    }

    @Test
    void evolutionClimbsFasterThanRandomSearchOnASyntheticFitness() throws InterruptedException {
        double evo = 0;
        double rs = 0;
        for (long seed = 1; seed <= 5; seed++) {
            evo += best(run(config(SearchStrategy.EVOLUTION, 200, seed), new MemoryJournal()));
            rs += best(run(config(SearchStrategy.RANDOM_SEARCH, 200, seed), new MemoryJournal()));
        }
        assertTrue(evo > rs, "evolution " + evo / 5 + " vs random search " + rs / 5);
    }

    private static double best(MemoryJournal j) {
        return j.records.stream().filter(CandidateRecord::accepted).mapToDouble(CandidateRecord::meanAccuracy).max().orElse(0);
    }

    @Test
    void anEvaluatorFailureIsARejectionNotACrash() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        MemoryJournal j = new MemoryJournal();
        try (InProcessEvaluator evaluator = new InProcessEvaluator(p -> {
            if (calls.incrementAndGet() % 3 == 0) {
                throw new IllegalStateException("engine exploded");
            }
            return SyntheticFitness.evaluate(p);
        })) {
            SearchRun.Outcome o = new SearchRun(config(SearchStrategy.EVOLUTION, 30, 2), evaluator, j,
                    new SearchListener() { }).run();
            assertEquals(SearchRun.StopReason.BUDGET, o.reason());
        }
        assertTrue(j.records.stream().anyMatch(r -> r.verdict().reason().contains("engine exploded")));
    }

    @Test
    void stopRequestEndsTheRunAfterInFlightWork() throws InterruptedException {
        MemoryJournal j = new MemoryJournal();
        try (InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            SearchRun[] holder = new SearchRun[1];
            holder[0] = new SearchRun(config(SearchStrategy.EVOLUTION, 1000, 4), evaluator, j, new SearchListener() {
                @Override
                public void onRecorded(CandidateRecord record, SearchProgress.Snapshot progress) {
                    if (progress.evaluated() == 10) {
                        holder[0].requestStop();
                    }
                }
            });
            assertEquals(SearchRun.StopReason.STOPPED, holder[0].run().reason());
        }
        assertEquals(10, j.records.stream().filter(CandidateRecord::wasEvaluated).count());
    }

    /** A layer that ignores x: the synthetic fitness rejects it at validity. */
    private static final LayerGraph IGNORES_X = LayerGraph.of(Node.binary(Primitive.ADD, LayerGraph.V0, LayerGraph.V1));

    private static SearchConfig startingFrom(List<LayerGraph> layers, long budget) {
        return new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 8, 3,
                Budget.ofCandidates(budget), 5, 10_000, layers);
    }

    @Test
    void startingLayersAreProposedFirstAndJoinThePopulationOnlyWhenAccepted() throws InterruptedException {
        List<LayerGraph> start = List.of(PublishedGraphs.S0, IGNORES_X, PublishedGraphs.B0, PublishedGraphs.S0);
        MemoryJournal j = run(startingFrom(start, 60), new MemoryJournal());
        for (int i = 0; i < start.size(); i++) {
            CandidateRecord r = j.records.get(i);
            assertEquals(i + 1, r.id());
            assertEquals(Origin.START, r.origin());
            assertEquals(0, r.parentId());
            assertEquals(start.get(i), r.graph());
        }
        assertEquals(List.of(1L), j.populations.get(0), "an accepted starting layer joins");
        assertEquals(Stage.VALIDITY, j.records.get(1).verdict().stage());
        assertEquals(List.of(1L), j.populations.get(1), "a rejected one does not");
        assertEquals(List.of(1L, 3L), j.populations.get(2));
        assertEquals(1L, j.records.get(3).duplicateOf(), "a repeated starting layer is a duplicate");
        assertEquals(Origin.RANDOM, j.records.get(4).origin(), "then the population fills at random");
        assertTrue(j.records.stream().skip(start.size()).noneMatch(r -> r.origin() == Origin.START));
        assertTrue(j.records.stream().anyMatch(r -> r.origin() == Origin.MUTATION && (r.parentId() == 1 || r.parentId() == 3)),
                "starting layers are parents like any member");
    }

    @Test
    void aRunWithStartingLayersResumesExactly() throws InterruptedException {
        List<LayerGraph> start = List.of(PublishedGraphs.B0, PublishedGraphs.S0, PublishedGraphs.B2);
        MemoryJournal whole = run(startingFrom(start, 80), new MemoryJournal());
        for (int cut : new int[] {1, 2, 3, 40}) {
            MemoryJournal resumed = run(startingFrom(start, 80), new MemoryJournal(whole.records.subList(0, cut)));
            assertEquals(whole.records.size(), resumed.records.size(), "cut at " + cut);
            for (int i = 0; i < whole.records.size(); i++) {
                assertEquals(whole.records.get(i).graph(), resumed.records.get(i).graph(), "candidate " + (i + 1) + ", cut at " + cut);
                assertEquals(whole.records.get(i).origin(), resumed.records.get(i).origin());
            }
        }
    }

    @Test
    void startingLayersMustFitTheSearch() {
        IllegalArgumentException random = assertThrows(IllegalArgumentException.class, () -> new SearchConfig(
                SearchStrategy.RANDOM_SEARCH, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 8, 3, Budget.ofCandidates(10), 0, 10,
                List.of(PublishedGraphs.S0)));
        assertTrue(random.getMessage().contains("evolution only"), random.getMessage());
        IllegalArgumentException space = assertThrows(IllegalArgumentException.class, () -> new SearchConfig(
                SearchStrategy.EVOLUTION, SearchSpace.BATCH_INDEPENDENT, Selection.PARETO, 8, 3, Budget.ofCandidates(10), 0, 10,
                List.of(PublishedGraphs.S0, PublishedGraphs.B0)));
        assertTrue(space.getMessage().startsWith("starting layer 2 ("), space.getMessage());
        assertTrue(space.getMessage().contains("batch-independent space excludes"), space.getMessage());
    }
}

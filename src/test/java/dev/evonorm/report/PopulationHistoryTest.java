package dev.evonorm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Budget;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.InProcessEvaluator;
import dev.evonorm.search.MemoryJournal;
import dev.evonorm.search.Origin;
import dev.evonorm.search.Proposal;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PopulationHistoryTest {

    private static CandidateRecord accepted(long id, Origin origin, double... accuracies) {
        return CandidateRecord.evaluated(new Proposal(id, origin, origin == Origin.MUTATION ? 1 : 0, PublishedGraphs.S0, "h" + id),
                Verdict.accepted(accuracies, "f" + id, 1, Map.of()));
    }

    private static CandidateRecord rejected(long id, Origin origin) {
        return CandidateRecord.evaluated(new Proposal(id, origin, 0, PublishedGraphs.B0, "h" + id),
                Verdict.rejected(Stage.QUALITY, "r", null, 1, Map.of()));
    }

    @Test
    void thePopulationIsTheMostRecentlyAcceptedAndCountsMembersAtChance() {
        List<CandidateRecord> record = List.of(
                rejected(1, Origin.RANDOM),
                accepted(2, Origin.RANDOM, 0.8, 0.1),      // a specialist: at chance on the second architecture
                CandidateRecord.structuralDuplicate(new Proposal(3, Origin.RANDOM, 0, PublishedGraphs.S0, "h2"), 2),
                accepted(4, Origin.RANDOM, 0.6, 0.6),
                accepted(5, Origin.MUTATION, 0.9, 0.7),    // pushes out 2, the oldest
                rejected(6, Origin.MUTATION));
        PopulationHistory h = PopulationHistory.of(record, 2, 0.2);
        assertEquals(5, h.snapshots().size(), "the structural duplicate is not an evaluation");
        assertNull(h.at(0));
        PopulationHistory.Snapshot first = h.at(1);
        assertEquals(0, first.members());
        assertTrue(Double.isNaN(first.meanOfMeans()));
        PopulationHistory.Snapshot two = h.at(2);
        assertEquals(1, two.members());
        assertEquals(1, two.atChanceSomewhere());
        assertEquals(0.45, two.meanOfMeans(), 1e-12);
        PopulationHistory.Snapshot full = h.at(3);
        assertEquals(2, full.members());
        assertEquals(1, full.atChanceSomewhere());
        assertEquals((0.45 + 0.6) / 2, full.meanOfMeans(), 1e-12);
        assertEquals(0.6, full.best(), 1e-12);
        assertEquals(4, full.bestId());
        PopulationHistory.Snapshot end = h.at(99);
        assertEquals(h.at(5), end, "past the end: the last snapshot");
        assertEquals(0, end.atChanceSomewhere(), "the specialist aged out");
        assertEquals(0.8, end.best(), 1e-12);
        assertEquals(2, end.mutantsEvaluated());
        assertEquals(3, h.fullAfter());
        assertEquals(List.of(4L, 5L), h.finalMembers());
        assertEquals(-1, PopulationHistory.of(record, 5, 0.2).fullAfter());
    }

    @Test
    void rebuildingMatchesThePopulationTheSearchRecordedAfterEveryCandidate() throws InterruptedException {
        MemoryJournal journal = new MemoryJournal();
        SearchConfig config = new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 6, 3,
                Budget.ofCandidates(150), 3, 10_000);
        try (InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            new SearchRun(config, evaluator, journal, new SearchListener() { }).run();
        }
        List<CandidateRecord> records = journal.completed();
        List<List<Long>> populations = journal.populationsAfterEachRecord();
        assertTrue(records.stream().anyMatch(r -> r.origin() == Origin.MUTATION), "the run evolved");
        for (int i = 0; i < records.size(); i++) {
            PopulationHistory h = PopulationHistory.of(records.subList(0, i + 1), 6, 0.2);
            assertEquals(populations.get(i), h.finalMembers(), "after record " + i);
        }
    }

    @Test
    void theReportShowsThePopulationOfEvolutionRunsOnly() {
        List<CandidateRecord> record = List.of(accepted(1, Origin.RANDOM, 0.8, 0.1), accepted(2, Origin.RANDOM, 0.6, 0.6),
                accepted(3, Origin.MUTATION, 0.7, 0.7));
        SearchReport report = new SearchReport(List.of(
                new SearchReport.Run("evo", Map.of("strategy", "evolution", "population", "2", "quality_threshold", "0.2"), record),
                new SearchReport.Run("rs", Map.of("strategy", "random", "population", "2"), record)), "BN-ReLU", Double.NaN);
        String md = report.markdown(1);
        assertTrue(md.contains("## evo: population"), md);
        assertTrue(md.contains("Population 2; full after 2 candidates evaluated. \"At chance\": below the quality threshold (20%)"), md);
        assertTrue(md.contains("| 3 | 1 | 2 | 0 | 65.00 | 70.00 (#3) |"), md);
        assertFalse(md.contains("## rs: population"), "random search has no population: " + md);
    }
}

package dev.evonorm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.Origin;
import dev.evonorm.search.Proposal;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchReportTest {
    @TempDir
    Path dir;

    private static Proposal proposal(long id, LayerGraph g) {
        return new Proposal(id, Origin.RANDOM, 0, g, "h" + id);
    }

    private static CandidateRecord accepted(long id, double seconds, double... accuracies) {
        return CandidateRecord.evaluated(proposal(id, PublishedGraphs.S0),
                Verdict.accepted(accuracies, "f" + id, seconds, Map.of("validity", 0.0, "numeric", 0.01, "quality", 1.0,
                        "stability", 2.0, "training", seconds - 3.01)));
    }

    private static CandidateRecord rejected(long id, Stage stage, double seconds, Map<String, Double> stageSeconds) {
        return CandidateRecord.evaluated(proposal(id, PublishedGraphs.B0), Verdict.rejected(stage, "r", null, seconds, stageSeconds));
    }

    private static CandidateRecord structural(long id, long original) {
        return CandidateRecord.structuralDuplicate(proposal(id, PublishedGraphs.B0), original);
    }

    /** 1 validity, 2 structural duplicate of 1, 3 accepted 0.5, 4 quality, 5 accepted 0.7, 6 accepted 0.6. */
    private static List<CandidateRecord> sample() {
        return List.of(
                rejected(1, Stage.VALIDITY, 0.0, Map.of("validity", 0.0)),
                structural(2, 1),
                accepted(3, 36, 0.4, 0.6),
                rejected(4, Stage.QUALITY, 1.0, Map.of("validity", 0.0, "numeric", 0.02, "quality", 0.98)),
                accepted(5, 36, 0.7, 0.7),
                accepted(6, 36, 0.9, 0.3));
    }

    @Test
    void bestSoFarIsTheRunningMaximumOverEvaluatedCandidates() {
        BestSoFar curve = BestSoFar.of(sample());
        List<BestSoFar.Point> p = curve.points();
        assertEquals(5, p.size(), "the structural duplicate is not an evaluation");
        assertTrue(Double.isNaN(p.get(0).best()));
        assertEquals(0, p.get(0).bestId());
        assertEquals(0.5, p.get(1).best(), 1e-12);
        assertEquals(0.5, p.get(2).best(), 1e-12);
        assertEquals(0.7, p.get(3).best(), 1e-12);
        assertEquals(5, p.get(3).bestId());
        assertEquals(0.7, p.get(4).best(), 1e-12, "0.6 does not replace 0.7");
        assertEquals(109.0 / 3600, curve.last().hours(), 1e-12);
        assertEquals(2, curve.candidatesToReach(0.5));
        assertEquals(4, curve.candidatesToReach(0.65));
        assertEquals(-1, curve.candidatesToReach(0.75));
        assertEquals(curve.last(), curve.at(99));
    }

    @Test
    void funnelCountsWhereCandidatesStoppedAndWhatEachStageCost() {
        RejectionFunnel funnel = RejectionFunnel.of(sample());
        Map<String, RejectionFunnel.Row> rows = new java.util.HashMap<>();
        funnel.rows().forEach(r -> rows.put(r.label(), r));
        assertEquals(6, funnel.total());
        assertEquals(new RejectionFunnel.Row("duplicate (structure)", 6, 1, Double.NaN, 0).stopped(), rows.get("duplicate (structure)").stopped());
        assertEquals(5, rows.get("validity").reached());
        assertEquals(1, rows.get("validity").stopped());
        assertEquals(4, rows.get("numeric").reached());
        assertEquals(4, rows.get("quality").reached());
        assertEquals(1, rows.get("quality").stopped());
        assertEquals(3, rows.get("stability").reached());
        assertEquals(3, rows.get("accepted").stopped());
        assertEquals(1.0, rows.get("quality").medianSeconds(), 1e-12, "median of 0.98, 1, 1, 1");
        assertEquals(3.98, rows.get("quality").totalSeconds(), 1e-12);
        assertEquals(0.01, rows.get("numeric").medianSeconds(), 1e-12);
        assertTrue(Double.isNaN(rows.get("duplicate (function)").medianSeconds()));
        String md = funnel.markdown();
        assertTrue(md.contains("| quality | 4 | 1 | 16.7% | 1.00 | 4 |"), md);
    }

    @Test
    void reportComparesRunsAndWritesChartsAndCsv() throws Exception {
        List<CandidateRecord> other = List.of(rejected(1, Stage.NUMERIC, 0.01, Map.of("numeric", 0.01)), accepted(2, 36, 0.8, 0.8));
        SearchReport report = new SearchReport(List.of(
                new SearchReport.Run("evo", Map.of("strategy", "evolution", "lr", "0.1"), sample()),
                new SearchReport.Run("rs", Map.of("strategy", "random", "lr", "0.1"), other)), "BN-ReLU", 0.78);
        String md = report.markdown(2);
        assertTrue(md.contains("| evo | evolution |"), md);
        assertTrue(md.contains("- evo: never came within 1 point of it"), md);
        assertTrue(md.contains("- rs: came within 1 point of it after 2 candidates evaluated"), md);
        assertTrue(md.contains("| 1 | 5 | 70.00 | 70.00 / 70.00 | 4 |"), "best layer of evo, found after 4 evaluations: " + md);
        // evo evaluated B0 twice (1, 4) and S0 three times, accepting only S0; the duplicate 2 is not an evaluation.
        assertTrue(md.contains("| evo | 5 | 2 | 3 | 1 |"), md);
        assertTrue(md.contains("| rs | 2 | 2 | 1 | 1 |"), md);
        assertEquals(1 + 5 + 2, report.csv().lines().count());
        assertTrue(report.csv().contains("evo,4,0.02028,0.70000,5"), report.csv());

        Path png = dir.resolve("c.png");
        report.chart(CurveChart.Axis.CANDIDATES).write(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        Path svg = dir.resolve("h.svg");
        report.chart(CurveChart.Axis.HOURS).write(svg);
        String text = Files.readString(svg);
        assertTrue(text.contains("<svg"), "an SVG document");
        assertThrows(IllegalArgumentException.class, () -> report.chart(CurveChart.Axis.HOURS).write(dir.resolve("c.gif")));
    }

    @Test
    void reportNamesTheSettingsInWhichTheRunsDiffer() {
        List<CandidateRecord> other = List.of(accepted(1, 36, 0.8, 0.8));
        SearchReport report = new SearchReport(List.of(
                new SearchReport.Run("a", Map.of("strategy", "evolution", "lr", "0.1", "quality_check", "separate", "seed", "1"), sample()),
                new SearchReport.Run("b", Map.of("strategy", "evolution", "lr", "0.1", "quality_check", "checkpoint"), other)),
                "BN-ReLU", Double.NaN);
        String md = report.markdown(2);
        assertTrue(md.contains("Settings that differ:\n\n| setting | a | b |\n|---|---|---|\n"
                + "| quality_check | separate | checkpoint |\n| seed | 1 | – |\n"), md);
        assertFalse(md.contains("| lr | 0.1"), "equal settings are not listed: " + md);

        SearchReport same = new SearchReport(List.of(new SearchReport.Run("a", Map.of("lr", "0.1"), sample()),
                new SearchReport.Run("b", Map.of("lr", "0.1"), other)), "BN-ReLU", Double.NaN);
        assertTrue(same.markdown(1).contains("All runs have the same settings."));
        String alone = new SearchReport(List.of(new SearchReport.Run("a", Map.of("lr", "0.1"), sample())), "BN-ReLU", Double.NaN)
                .markdown(1);
        assertFalse(alone.contains("Settings that differ") || alone.contains("the same settings"), "one run compares with nothing");
    }

    @Test
    void aRunWithNothingAcceptedStillReports() throws Exception {
        SearchReport report = new SearchReport(List.of(new SearchReport.Run("empty", Map.of("strategy", "random"),
                List.of(rejected(1, Stage.VALIDITY, 0, Map.of("validity", 0.0))))), "BN-ReLU", Double.NaN);
        assertTrue(report.markdown(3).contains("No candidate passed every screen."));
        Path png = dir.resolve("empty.png");
        report.chart(CurveChart.Axis.CANDIDATES).write(png);
        assertTrue(ImageIO.read(png.toFile()) != null);
    }
}

package dev.evonorm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.screen.InitDiagnostics;
import dev.evonorm.screen.SiteMeasures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosticsTableTest {
    @TempDir
    Path dir;

    private static InitDiagnostics.Result result(double loss, double variance, double cosine, double gradient) {
        return new InitDiagnostics.Result(loss, List.of(
                new SiteMeasures(1, "conv1.normAct", 8, 1.0, 1.0, 0.25, 3.0, gradient * 10),
                new SiteMeasures(2, "conv2.normAct", 16, variance, 1.0, cosine, 1.5, gradient)));
    }

    @Test
    void initializationsAreAveragedSiteBySite() {
        DiagnosticsTable table = new DiagnosticsTable("synthetic, batch 4, mean of 2 initialization(s)");
        DiagnosticsTable.Entry e = table.add("net", "bn-relu", List.of(result(2.0, 2.0, 0.4, 0.01), result(3.0, 4.0, 0.6, 0.03)));
        assertEquals(2.5, e.loss(), 1e-12);
        assertEquals(3.0, e.sites().get(1).inputVariance(), 1e-12);
        assertEquals(0.5, e.sites().get(1).cosine(), 1e-12);
        assertEquals(0.02, e.sites().get(1).gradientNorm(), 1e-12);
        assertEquals("conv2.normAct", e.sites().get(1).site());
        table.addFailure("net", "exploding", "engine error: out of memory");

        String summary = table.summary();
        assertTrue(summary.contains("Initialization diagnostics: net (2 sites), synthetic, batch 4"), summary);
        assertTrue(summary.contains("| bn-relu | 2.50 | 1.00 → 3.00 | 0.25 → 0.50 | 3.00 → 1.50 | 0.200 → 0.0200 | 10.0 |"), summary);
        assertTrue(summary.contains("| exploding | failed: engine error: out of memory |"), summary);
        assertTrue(table.sites().contains("| 2 | conv2.normAct | 16 | 3.00 | 1.00 | 0.50 | 1.50 | 0.0200 |"), table.sites());
        List<String> csv = table.csv().lines().toList();
        assertEquals(3, csv.size(), "header and two sites; the failed layer has none");
        assertEquals("net,bn-relu,2,2.5,2,conv2.normAct,16,3.0,1.0,0.5,1.5,0.02", csv.get(2));
    }

    @Test
    void numbersKeepThreeDigitsAcrossMagnitudes() {
        assertEquals("6.40e+05", DiagnosticsTable.number(640_000));
        assertEquals("2.35", DiagnosticsTable.number(2.3456));
        assertEquals("7.62e-04", DiagnosticsTable.number(0.000762));
        assertEquals("nan", DiagnosticsTable.number(Double.NaN));
        assertEquals("inf", DiagnosticsTable.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void chartsLeaveOutWhatALogAxisCannotShow() throws Exception {
        DiagnosticsTable table = new DiagnosticsTable("synthetic");
        table.add("net", "dying", List.of(new InitDiagnostics.Result(Double.NaN, List.of(
                new SiteMeasures(1, "a", 8, 1.0, 1.0, Double.NaN, Double.NaN, 0.0),
                new SiteMeasures(2, "b", 8, 0.0, 0.0, 1.0, 1.0, Double.POSITIVE_INFINITY)))));
        table.add("net", "fine", List.of(result(2.3, 2.0, 0.5, 0.1)));
        List<Path> files = DepthChart.write(table, "net", dir.resolve("charts"));
        assertEquals(4, files.size());
        for (Path f : files) {
            assertTrue(Files.size(f) > 1000, f.toString());
        }
    }
}

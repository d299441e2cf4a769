package dev.evonorm.cli;

import static dev.evonorm.cli.CliTest.assertUsageError;
import static dev.evonorm.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.GraphBlock;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormPosition;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.Budget;
import dev.evonorm.search.InProcessEvaluator;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import dev.evonorm.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    /** A finished run of 60 candidates scored by the synthetic fitness (no training involved). */
    private Path run(String name, SearchStrategy strategy) throws Exception {
        Path folder = dir.resolve(name);
        SearchConfig config = new SearchConfig(strategy, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 6, 3,
                Budget.ofCandidates(60), 5, 10_000);
        try (RunStore store = RunStore.create(folder.resolve(RunStore.FILE_NAME),
                Map.of("strategy", strategy == SearchStrategy.EVOLUTION ? "evolution" : "random", "space", "batch", "lr", "0.1"));
             InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            new SearchRun(config, evaluator, store, new SearchListener() { }).run();
        }
        return folder;
    }

    private static byte[] digest(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    @Test
    void reportsTwoRunsWithoutTouchingThem() throws Exception {
        Path evo = run("evo", SearchStrategy.EVOLUTION);
        Path rs = run("rs", SearchStrategy.RANDOM_SEARCH);
        byte[] before = digest(evo.resolve(RunStore.FILE_NAME));
        Path out = dir.resolve("out");
        CliTest.Result r = cli("report", evo.toString(), rs.toString(), "--out", out.toString(), "--reference", "80");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("| evo | evolution |") && r.out().contains("| rs | random |"), r.out());
        assertTrue(r.out().contains("## evo: rejection funnel"), r.out());
        assertTrue(r.out().contains("| setting | evo | rs |") && r.out().contains("| strategy | evolution | random |"), r.out());
        // Neither run stored quality_check (made "before" it existed): both did 'separate', so it is no difference.
        assertTrue(!r.out().contains("| quality_check |"), r.out());
        for (String f : new String[] {"report.md", "best-so-far.csv", "best-vs-candidates.png", "best-vs-hours.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(1 + 60 + 60, Files.readAllLines(out.resolve("best-so-far.csv")).size(),
                "one line per evaluated candidate of each run (no structural duplicates with these settings)");
        assertArrayEquals(before, digest(evo.resolve(RunStore.FILE_NAME)), "reading a run leaves it as it was");

        CliTest.Result first = cli("report", rs.toString(), "--first", "25", "--out", dir.resolve("first").toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("| rs | random | batch |") && first.out().contains("| 25 | 25 |"), first.out());

        CliTest.Result svg = cli("report", evo.toString(), "--format", "svg");
        assertEquals(0, svg.code(), svg.toString());
        assertTrue(Files.readString(evo.resolve("report/best-vs-hours.svg")).contains("<svg"));
    }

    @Test
    void topExportsTheListedLayersAsGraphFilesTheFactoryAccepts() throws Exception {
        Path evo = run("evo", SearchStrategy.EVOLUTION);
        byte[] before = digest(evo.resolve(RunStore.FILE_NAME));
        Path out = dir.resolve("layers");
        CliTest.Result r = cli("top", evo.toString(), "--limit", "3", "--export", out.toString());
        assertEquals(0, r.code(), r.toString());
        List<CandidateRecord> best;
        try (RunStore store = RunStore.open(evo.resolve(RunStore.FILE_NAME))) {
            best = store.best(3);
        }
        assertEquals(3, best.size());
        for (CandidateRecord record : best) {
            Path file = out.resolve("evo-" + record.id() + ".json");
            assertEquals(record.graph(), GraphJson.parse(Files.readString(file)), file.toString());
            // The file is a layer the factory builds (what --layer graph:FILE does).
            assertTrue(Layers.factory("graph:" + file).create(8, NormPosition.NORM_ACT) instanceof GraphBlock);
        }
        try (var files = Files.list(out)) {
            assertEquals(3, files.count(), "one file per listed layer");
        }
        assertTrue(r.out().contains("use one with --layer graph:" + out.resolve("evo-" + best.get(0).id() + ".json")), r.out());
        CliTest.Result show = cli("layers", "show", out.resolve("evo-" + best.get(0).id() + ".json").toString());
        assertEquals(0, show.code(), show.toString());
        assertArrayEquals(before, digest(evo.resolve(RunStore.FILE_NAME)), "exporting leaves the run as it was");

        Path aFile = Files.writeString(dir.resolve("taken.txt"), "x");
        assertUsageError(cli("top", evo.toString(), "--export", aFile.toString()), "is a file; give a folder");
    }

    @Test
    void runsWhoseFoldersShareANameAreLabelledWithTheirParents() {
        assertEquals(List.of("runs7/evo", "runs8/evo", "rs"),
                ReportCommand.labels(List.of(Path.of("/w/runs7/evo"), Path.of("/w/runs8/evo"), Path.of("/w/runs8/rs"))));
        assertEquals(List.of("runs7/evo", "runs7/evo'"), ReportCommand.labels(List.of(Path.of("/w/runs7/evo"), Path.of("/w/runs7/evo"))));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path evo = run("evo", SearchStrategy.EVOLUTION);
        Path notARun = Files.createDirectories(dir.resolve("empty"));
        assertUsageError(cli("report", notARun.toString()), "give the folder of a run");
        assertUsageError(cli("report", evo.toString(), "--format", "gif"), "use png or svg");
        assertUsageError(cli("report", evo.toString(), "--reference", "0.84"), "give e.g. 84.4");
        assertUsageError(cli("report", evo.toString(), "--top", "0"), "--top must be at least 1");
        assertUsageError(cli("report", evo.toString(), "--first", "0"), "--first must be at least 1");
    }
}

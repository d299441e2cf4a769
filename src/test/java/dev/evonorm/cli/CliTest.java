package dev.evonorm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerCatalog;
import dev.evonorm.layers.NativeKernels;
import dev.evonorm.search.Budget;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.InProcessEvaluator;
import dev.evonorm.search.Origin;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchListener;
import dev.evonorm.search.SearchRun;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.search.SyntheticFitness;
import dev.evonorm.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user drives it: outputs, exit codes, one-line errors, stored runs. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static void assertUsageError(Result r, String expected) {
        assertEquals(Main.USAGE_ERROR, r.code(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    /** Tiny proxy settings on the real Fashion-MNIST files, so a search takes seconds. */
    static final String[] TINY = {"--train-subset", "512", "--validation", "512", "--batch-size", "32", "--steps", "4",
        "--quality-steps", "2", "--quality-threshold", "0.0", "--stability-steps", "2", "--archs", "resnet",
        "--population", "2", "--tournament", "1"};

    /** "search" with the tiny preset; a flag given in {@code extra} replaces the preset's value. */
    static String[] search(String... extra) {
        List<String> a = new ArrayList<>(List.of("search"));
        List<String> given = List.of(extra);
        for (int i = 0; i < TINY.length; i += 2) {
            if (!given.contains(TINY[i])) {
                a.add(TINY[i]);
                a.add(TINY[i + 1]);
            }
        }
        a.addAll(given);
        return a.toArray(String[]::new);
    }

    @Test
    void layersListsEveryNamedLayerAndShowExplainsOne() {
        Result list = cli("layers");
        assertEquals(0, list.code());
        for (LayerCatalog.Entry e : LayerCatalog.entries()) {
            assertTrue(list.out().contains(e.name()), e.name());
        }
        assertTrue(list.out().contains("Graph layers (-graph forms, graph:…, search candidates): "
                + NativeKernels.graphDescription()), list.out());
        Result show = cli("layers", "show", "evonorm-b0");
        assertTrue(show.out().contains("x / max(√s²_{b,h,w}(x), v1·x + √s²_{h,w}(x))"), show.out());
        assertTrue(show.out().contains("\\frac{x}"));
        assertTrue(show.out().contains("batch-dependent: yes"));
        assertUsageError(cli("layers", "show", "{\"nodes\": [{\"op\": \"softmax\", \"in\": [0]}]}"), "unknown primitive");
        assertUsageError(cli("layers", "show", "{\"nodes\": ["), "malformed");
        assertUsageError(cli("layers", "show", "no-such-layer"), "neither a named layer nor a graph file");
    }

    @Test
    void diagnoseMeasuresEverySiteOfEveryLayerAndRejectsBadInput() throws Exception {
        Path csv = dir.resolve("diagnostics.csv");
        Path plots = dir.resolve("plots");
        Result ok = cli("diagnose", "--archs", "plain-10", "--layers", "relu,bn-relu,gn-relu@1", "--inits", "2", "--batch", "8",
                "--validation", "512", "--sites", "--csv", csv.toString(), "--plot", plots.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("Initialization diagnostics: plain-10 (10 sites), fashion-mnist, batch 8, mean of 2"), ok.out());
        for (String layer : List.of("relu", "bn-relu", "gn-relu@1")) {
            assertTrue(ok.out().contains("| " + layer + " | "), layer + " has a summary row: " + ok.out());
            assertTrue(ok.out().contains(layer + " on plain-10"), layer + " has a table of sites");
        }
        assertTrue(ok.out().contains("| 10 | conv10.normAct | 128 |"), ok.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(1 + 3 * 10, rows.size(), "a header and one row per site and layer");
        assertTrue(rows.get(1).startsWith("plain-10,relu,2,"), rows.get(1));
        for (String measure : List.of("input-variance", "cosine", "stable-rank", "gradient-norm")) {
            assertTrue(Files.size(plots.resolve("plain-10-" + measure + ".png")) > 1000, measure + " chart");
        }
        Result stream = cli("diagnose", "--archs", "resnet", "--layers", "bn-relu", "--inits", "1", "--batch", "4", "--validation", "512",
                "--site-filter", "preNormAct|final", "--sites");
        assertEquals(0, stream.code(), stream.toString());
        assertTrue(stream.out().contains("resnet (4 sites)"), stream.out());
        assertTrue(stream.out().contains("| 7 | final.normAct |") && !stream.out().contains("midNormAct"), stream.out());
        assertUsageError(cli("diagnose", "--site-filter", "(", "--validation", "512"), "--site-filter '(' is not a regular expression");
        assertUsageError(cli("diagnose", "--archs", "resnet", "--layers", "relu", "--inits", "1", "--batch", "4",
                "--validation", "512", "--site-filter", "nosuch"), "no site of resnet matches --site-filter 'nosuch'");
        assertUsageError(cli("diagnose", "--batch", "1"), "--batch must be at least 2");
        Files.writeString(dir.resolve("a-file"), "x");
        assertUsageError(cli("diagnose", "--plot", dir.resolve("a-file").resolve("charts").toString()), "choose a writable --plot folder");
        assertUsageError(cli("diagnose", "--archs", "nosuch"), "unknown architecture 'nosuch'");
        assertUsageError(cli("diagnose", "--layers", "gn-relu@many"), "--groups 'many' is not understood");
        assertUsageError(cli("diagnose", "--archs", "plain-10", "--layers", "gn-relu@exactly:3", "--validation", "512"),
                "cannot be placed");
    }

    @Test
    void archsListsEveryArchitectureWithItsRole() {
        Result r = cli("archs");
        assertEquals(0, r.code(), r.toString());
        for (String name : dev.evonorm.models.Architectures.names()) {
            assertTrue(r.out().contains(name), name);
        }
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mnasnet") && l.contains("held-out")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("resnet ") && l.contains("search")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("resnet-56") && l.contains("diagnostic")), r.out());
        assertFalse(r.out().contains("left out"), "nothing refused on the plain classpath: " + r.out());
    }

    @Test
    void randomPrintsParseableGraphsOfTheRequestedSpace() {
        Result r = cli("random", "--count", "20", "--seed", "3", "--batch-independent");
        assertEquals(0, r.code());
        List<String> json = r.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(20, json.size());
        for (String j : json) {
            LayerGraph g = GraphJson.parse(j);
            assertFalse(g.dependsOnBatch());
        }
        assertEquals(r.out(), cli("random", "--count", "20", "--seed", "3", "--batch-independent").out(), "seeded");
        assertUsageError(cli("random", "--count", "0"), "--count");
    }

    @Test
    void trainReportsAccuracyAndRejectsBadInput() {
        Result ok = cli("train", "--layer", "evonorm-s0", "--arch", "resnet", "--train-subset", "512", "--validation", "512",
                "--batch-size", "32", "--steps", "10");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("validation accuracy"), ok.out());
        assertUsageError(cli("train", "--layer", "nosuch"), "unknown layer 'nosuch'");
        assertUsageError(cli("train", "--arch", "nosuch"), "unknown architecture 'nosuch'");
        assertUsageError(cli("train", "--dataset", "mnist"), "unknown dataset 'mnist'");
        assertUsageError(cli("train", "--augment", "mirror"), "--augment 'mirror' is not one of");
        assertUsageError(cli("train", "--data", dir.toString()), "--data");
        assertUsageError(cli("train", "--batch-size", "100000", "--validation", "512"), "larger than");
        assertUsageError(cli("train", "--layer", "evonorm-s0", "--groups", "exactly:32", "--validation", "512"),
                "32 groups do not divide 16 channels");
        assertUsageError(cli("train", "--layer", "graph:" + dir.resolve("missing.json")), "does not exist");
    }

    @Test
    void searchRecordsARunThatResumesAndRefusesConflicts() throws Exception {
        Path run = dir.resolve("run1");
        Result first = cli(search("--run", run.toString(), "--budget", "4"));
        assertEquals(0, first.code(), first.toString());
        Path db = run.resolve(RunStore.FILE_NAME);
        try (RunStore store = RunStore.open(db)) {
            assertEquals(4, store.completed().stream().filter(CandidateRecord::wasEvaluated).count());
        }
        byte[] before = Files.readAllBytes(db);
        assertUsageError(cli(search("--resume", run.toString(), "--population", "3")), "conflicts with the run's population");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--evolve-from", "3")),
                "--evolve-from must be between 1 and the population size (2), got 3");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--evolve-from", "soon")),
                "--evolve-from 'soon' is neither 'full' nor a member count");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--dedupe", "function")),
                "--dedupe must be 'structure' or 'coefficients', got 'function'");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--signal-archs", "all")),
                "--signal-archs must be 'quality' or 'first', got 'all'");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--signal-max-ratio", "0.5")),
                "--signal-max-ratio must be 0 (no upper bound) or above 1, got 0.5");
        assertUsageError(cli(search("--run", dir.resolve("early").toString(), "--graph-executor", "fast")),
                "--graph-executor must be 'native' or 'composed', got 'fast'");
        assertFalse(Files.exists(dir.resolve("early").resolve(RunStore.FILE_NAME)), "nothing stored for a refused setting");
        assertArrayEquals(before, Files.readAllBytes(db), "a refused resume leaves the run untouched");
        try (RunStore store = RunStore.open(db)) {
            assertEquals("training", store.settings().get("functional_hash"), "the default dedupe merges layers that train alike");
            assertEquals("all", store.settings().get("quality_archs"), "the quality protocol trains on every architecture");
            assertEquals("checkpoint", store.settings().get("quality_check"), "and is read part-way through the full training");
            assertEquals("default", store.settings().get("augment"), "the dataset's own augmentation");
            assertEquals("full", store.settings().get("evolve_from"), "evolution waits for a full population");
            assertEquals("1.0E-4", store.settings().get("signal_threshold"), "the signal screen is on");
            assertEquals("structure", store.settings().get("dedupe"), "duplicates by structure");
            assertEquals("quality", store.settings().get("signal_archs"), "the signal screen checks every quality architecture");
            assertEquals("10000.0", store.settings().get("signal_max_ratio"), "and bounds the gradient ratio from above");
            assertEquals("native", store.settings().get("graph_executor"), "layers run on the fused graph executor");
        }
        assertUsageError(cli(search("--resume", run.toString(), "--graph-executor", "composed")),
                "conflicts with the run's graph_executor = native");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-archs", "first")),
                "conflicts with the run's signal_archs = quality");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-max-ratio", "0")),
                "conflicts with the run's signal_max_ratio = 10000.0");
        assertUsageError(cli(search("--resume", run.toString(), "--dedupe", "coefficients")),
                "conflicts with the run's dedupe = structure");
        assertUsageError(cli(search("--resume", run.toString(), "--evolve-from", "1")),
                "conflicts with the run's evolve_from = full");
        assertUsageError(cli(search("--resume", run.toString(), "--augment", "flip")),
                "conflicts with the run's augment = default");
        assertUsageError(cli(search("--resume", run.toString(), "--quality-check", "separate")),
                "conflicts with the run's quality_check = checkpoint");
        assertUsageError(cli(search("--resume", run.toString(), "--quality-archs", "first")),
                "conflicts with the run's quality_archs = all");
        assertUsageError(cli(search("--resume", run.toString(), "--functional-hash", "outputs")),
                "conflicts with the run's functional_hash = training");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-threshold", "0")),
                "conflicts with the run's signal_threshold = 1.0E-4");
        assertArrayEquals(before, Files.readAllBytes(db));

        Result more = cli("search", "--resume", run.toString(), "--budget", "7");
        assertEquals(0, more.code(), more.toString());
        try (RunStore store = RunStore.open(db)) {
            List<CandidateRecord> all = store.completed();
            assertEquals(7, all.stream().filter(CandidateRecord::wasEvaluated).count());
            Set<Long> ids = new HashSet<>();
            all.forEach(r -> assertTrue(ids.add(r.id()), "no candidate recorded twice"));
        }
        Result top = cli("top", run.toString());
        assertEquals(0, top.code());
        assertTrue(top.out().contains("funnel:"), top.out());

        // A run made before --functional-hash existed has no such setting: it resumes with the
        // outputs hash its stored hashes were made with, and says so.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.functional_hash'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.quality_archs'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.quality_check'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.signal_threshold'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.dedupe'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.signal_archs'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.signal_max_ratio'"));
            assertEquals(1, st.executeUpdate("DELETE FROM meta WHERE key = 'setting.graph_executor'"));
        }
        assertUsageError(cli(search("--resume", run.toString(), "--graph-executor", "native")),
                "conflicts with the run's graph_executor = composed");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-archs", "quality")),
                "conflicts with the run's signal_archs = first");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-max-ratio", "1e4")),
                "conflicts with the run's signal_max_ratio = 0");
        assertUsageError(cli(search("--resume", run.toString(), "--dedupe", "coefficients")),
                "conflicts with the run's dedupe = structure");
        assertUsageError(cli(search("--resume", run.toString(), "--signal-threshold", "1e-4")),
                "conflicts with the run's signal_threshold = 0");
        assertUsageError(cli(search("--resume", run.toString(), "--quality-check", "checkpoint")),
                "conflicts with the run's quality_check = separate");
        assertUsageError(cli(search("--resume", run.toString(), "--quality-archs", "all")),
                "conflicts with the run's quality_archs = first");
        assertUsageError(cli(search("--resume", run.toString(), "--functional-hash", "training")),
                "conflicts with the run's functional_hash = outputs");
        Result old = cli("search", "--resume", run.toString(), "--budget", "8");
        assertEquals(0, old.code(), old.toString());
        assertTrue(old.out().contains("functional_hash = outputs"), old.out());
        assertTrue(old.out().contains("quality_archs = first"), old.out());
        assertTrue(old.out().contains("quality_check = separate"), old.out());
        assertTrue(old.out().contains("signal_threshold = 0"), old.out());
        assertTrue(old.out().contains("signal_archs = first"), old.out());
    }

    @Test
    void searchWithWorkerProcessesTrainsCandidatesInThemAndResumesInProcess() throws Exception {
        Path run = dir.resolve("pooled");
        Result pooled = cli(search("--run", run.toString(), "--strategy", "random", "--budget", "6", "--workers", "2"));
        assertEquals(0, pooled.code(), pooled.toString());
        assertTrue(pooled.out().contains("evaluation: 2 worker processes"), pooled.out());
        Path db = run.resolve(RunStore.FILE_NAME);
        try (RunStore store = RunStore.open(db)) {
            List<CandidateRecord> evaluated = store.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
            assertEquals(6, evaluated.size());
            assertTrue(evaluated.stream().anyMatch(r -> r.verdict().stageSeconds().containsKey("training")),
                    "some candidate reached full training, which only the workers run");
            assertTrue(evaluated.stream().filter(r -> r.verdict().isAccepted()).allMatch(r -> r.accuracies().length == 1));
        }
        assertTrue(Files.exists(run.resolve("workers/worker-1.log")) && Files.exists(run.resolve("workers/worker-2.log")));
        // --workers is not part of the run: a resume may evaluate in process.
        Result more = cli("search", "--resume", run.toString(), "--budget", "8");
        assertEquals(0, more.code(), more.toString());
        try (RunStore store = RunStore.open(db)) {
            assertEquals(8, store.completed().stream().filter(CandidateRecord::wasEvaluated).count());
        }
        assertUsageError(cli(search("--run", dir.resolve("none").toString(), "--workers", "0")), "--workers must be at least 1");
        assertFalse(Files.exists(dir.resolve("none")));
    }

    private static String freeLoopbackAddress() throws java.io.IOException {
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + free.getLocalPort();
        }
    }

    @Test
    void aSearchWithAClusterTrainsOnTheMachinesThatJoinIt() throws Exception {
        String address = freeLoopbackAddress();
        Path run = dir.resolve("clustered");
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // The node starts first and waits; the search only coordinates (--workers 0).
            java.util.concurrent.Future<Result> node = background.submit(() -> cli("join", address, "--workers", "1", "--once",
                    "--logs", dir.resolve("node-logs").toString()));
            Result search = cli(search("--run", run.toString(), "--strategy", "random", "--budget", "5", "--cluster", address,
                    "--workers", "0"));
            assertEquals(0, search.code(), search.toString());
            assertTrue(search.out().contains("evaluation: cluster at " + address + "; here: no worker processes"), search.out());
            Result joined = node.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, joined.code(), joined.toString());
            assertTrue(joined.out().contains("serving the search of run " + run), joined.out());
            assertTrue(joined.out().contains("done serving run"), joined.out());
            assertTrue(Files.exists(dir.resolve("node-logs/worker-1.log")), "the node's worker logs where told");
        } finally {
            background.shutdownNow();
        }
        try (RunStore store = RunStore.open(run.resolve(RunStore.FILE_NAME))) {
            List<CandidateRecord> evaluated = store.completed().stream().filter(CandidateRecord::wasEvaluated).toList();
            assertEquals(5, evaluated.size());
            assertTrue(evaluated.stream().anyMatch(r -> r.verdict().stageSeconds().containsKey("training")),
                    "some candidate reached full training, which only the node runs");
        }
        assertFalse(Files.exists(run.resolve("workers")), "no worker processes on the search's machine");
    }

    @Test
    void aNodeWhoseDataIsNotTheSearchsRefusesToServeIt() throws Exception {
        // The same files, except that every training label is shifted by one class.
        Path real = Path.of("/usr/share/datasets/fashion-mnist");
        Path other = Files.createDirectories(dir.resolve("other-data"));
        for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.createSymbolicLink(other.resolve(f), real.resolve(f));
        }
        byte[] labels;
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(real.resolve("train-labels-idx1-ubyte.gz")))) {
            labels = in.readAllBytes();
        }
        for (int i = 8; i < labels.length; i++) {
            labels[i] = (byte) ((labels[i] + 1) % 10);
        }
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(other.resolve("train-labels-idx1-ubyte.gz")))) {
            out.write(labels);
        }
        String address = freeLoopbackAddress();
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Result> node = background.submit(() -> cli("join", address, "--once", "--data", other.toString(),
                    "--logs", dir.resolve("node-logs").toString()));
            // The search trains locally too, so it finishes whatever the node does.
            Result search = cli(search("--run", dir.resolve("run").toString(), "--strategy", "random", "--budget", "3",
                    "--cluster", address, "--workers", "1"));
            assertEquals(0, search.code(), search.toString());
            Result joined = node.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertUsageError(joined, "is not the search's");
            assertTrue(joined.err().contains("join --data DIR"), joined.err());
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void badClusterSettingsFailWithOneLineAndNoRun() throws Exception {
        Path run = dir.resolve("never");
        assertUsageError(cli(search("--run", run.toString(), "--cluster", "host:port")), "--cluster: 'host:port' is not HOST:PORT");
        assertUsageError(cli(search("--run", run.toString(), "--cluster", "127.0.0.1:99999")), "outside 1..65535");
        assertUsageError(cli(search("--run", run.toString(), "--workers", "0")), "only coordinates other machines, with --cluster");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertUsageError(cli(search("--run", run.toString(), "--cluster", "127.0.0.1:" + taken.getLocalPort())),
                    "choose another HOST:PORT for --cluster");
        }
        assertFalse(Files.exists(run), "nothing was created");
        assertUsageError(cli("join", "somewhere:else"), "join: 'somewhere:else' is not HOST:PORT");
        assertUsageError(cli("join", "127.0.0.1:5710", "--workers", "0"), "--workers must be at least 1");
    }

    @Test
    void aSearchStartsFromGivenLayersOrFromAnEarlierRunsPopulation() throws Exception {
        Path first = dir.resolve("seeded");
        Result r = cli(search("--run", first.toString(), "--budget", "4", "--start-from", "evonorm-b0,evonorm-s0-graph"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("start_from = 2 layers: "), r.out());
        Path db = first.resolve(RunStore.FILE_NAME);
        try (RunStore store = RunStore.open(db)) {
            List<CandidateRecord> all = store.completed();
            assertEquals(PublishedGraphs.B0, all.get(0).graph());
            assertEquals(PublishedGraphs.S0, all.get(1).graph());
            assertEquals(Origin.START, all.get(1).origin());
            assertFalse(all.get(2).origin() == Origin.START, "only the given layers are starting layers");
        }
        byte[] before = Files.readAllBytes(db);
        assertUsageError(cli(search("--resume", first.toString(), "--start-from", "evonorm-s0")),
                "conflicts with the run's start_from = 2 layers");
        assertArrayEquals(before, Files.readAllBytes(db), "a refused resume leaves the run untouched");
        assertEquals(0, cli("search", "--resume", first.toString(), "--budget", "5").code(), "a resume keeps its starting layers");

        // An earlier run with a known population (scored by the synthetic fitness: no training, always accepts some).
        Path earlier = dir.resolve("earlier");
        List<LayerGraph> population;
        try (RunStore store = RunStore.create(earlier.resolve(RunStore.FILE_NAME), Map.of("strategy", "evolution"));
             InProcessEvaluator evaluator = new InProcessEvaluator(SyntheticFitness::evaluate)) {
            new SearchRun(new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO, 3, 2,
                    Budget.ofCandidates(30), 1, 10_000), evaluator, store, new SearchListener() { }).run();
            Map<Long, LayerGraph> graphs = new HashMap<>();
            store.completed().forEach(c -> graphs.put(c.id(), c.graph()));
            population = store.population().stream().map(graphs::get).toList();
        }
        assertEquals(3, population.size());
        Path second = dir.resolve("second");
        Result r2 = cli(search("--run", second.toString(), "--budget", "3", "--population", "3", "--start-from", "run:" + earlier));
        assertEquals(0, r2.code(), r2.toString());
        try (RunStore store = RunStore.open(second.resolve(RunStore.FILE_NAME))) {
            List<CandidateRecord> all = store.completed();
            for (int i = 0; i < population.size(); i++) {
                assertEquals(population.get(i), all.get(i).graph(), "the earlier run's population, oldest first");
                assertEquals(Origin.START, all.get(i).origin());
            }
        }

        Path never = dir.resolve("never-seeded");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "bn-relu")), "not a graph of the search space");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "evonorm-s0,nosuch")), "--start-from nosuch: unknown layer");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "evonorm-s0", "--strategy", "random")), "evolution only");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "evonorm-b0", "--space", "batch-independent")),
                "batch-independent space excludes");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "run:" + dir.resolve("nope"))), "does not exist");
        assertUsageError(cli(search("--run", never.toString(), "--start-from", "graph:" + dir.resolve("nope.json"))), "does not exist");
        assertFalse(Files.exists(never), "nothing was created");
    }

    @Test
    void benchOpsProfilesAnyLayerAndRejectsABadShapeOrName() {
        Result ok = cli("bench", "ops", "--shape", "2,4,3,3", "--warmup", "0", "--steps", "1", "--top", "4", "evonorm-b0");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().startsWith("allocator: "), ok.out());
        assertTrue(ok.out().contains("\nevonorm-b0, input (2, 4, 3, 3)"), ok.out());
        assertTrue(ok.out().contains("| op | phase | inputs | calls/step | self ms/step | share |"), ok.out());
        assertUsageError(cli("bench", "ops", "--shape", "2,4,3", "evonorm-b0"), "--shape '2,4,3' is not an NCHW shape");
        assertUsageError(cli("bench", "ops", "evonorm-b0", "no-such-layer"), "no-such-layer");
        Result impossible = cli("bench", "ops", "--shape", "2,6,3,3", "--groups", "exactly:4", "bn-relu", "evonorm-s0");
        assertUsageError(impossible, "4 groups do not divide 6 channels");
        assertEquals("", impossible.out(), "nothing profiled before the impossible layer was found");
    }

    @Test
    void everyCommandsHelpRendersWithoutFormatWarnings() {
        List<CommandLine> commands = new ArrayList<>();
        ArrayDeque<CommandLine> todo = new ArrayDeque<>(List.of(new CommandLine(new Main())));
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            commands.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        // picocli reports a description it cannot format (a lone '%') on System.err and prints it raw.
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            commands.forEach(CommandLine::getUsageMessage);
        } finally {
            System.setErr(saved);
        }
        assertTrue(commands.size() > 12, "subcommands found: " + commands.size());
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("picocli WARN"), captured.toString());
    }

    @Test
    void impossibleSearchSettingsFailBeforeAnythingIsWritten() throws Exception {
        Path run = dir.resolve("never");
        assertUsageError(cli(search("--run", run.toString(), "--budget", "0")), "budget");
        assertUsageError(cli(search("--run", run.toString(), "--population", "2", "--tournament", "5")), "--tournament");
        assertUsageError(cli(search("--run", run.toString(), "--archs", "resnet,nosuch")), "unknown architecture");
        assertUsageError(cli(search("--run", run.toString(), "--space", "sideways")), "unknown search space");
        assertUsageError(cli(search("--run", run.toString(), "--quality-examples", "-1")), "--quality-examples");
        assertUsageError(cli(search("--run", run.toString(), "--functional-hash", "sideways")), "unknown functional hash 'sideways'");
        assertUsageError(cli(search("--run", run.toString(), "--quality-archs", "some")), "--quality-archs must be 'all' or 'first'");
        assertUsageError(cli(search("--run", run.toString(), "--quality-check", "later")),
                "--quality-check must be one of separate, checkpoint, got 'later'");
        assertUsageError(cli(search("--run", run.toString(), "--quality-steps", "4")),
                "--quality-steps (4) must be below --steps (4); lower --quality-steps or use --quality-check separate");
        assertUsageError(cli(search("--run", run.toString(), "--signal-threshold", "2")),
                "--signal-threshold must be at least 0 (0 skips the signal screen) and below 1, got 2.0");
        assertUsageError(cli(search("--run", run.toString(), "--signal-threshold", "-1e-4")), "--signal-threshold must be at least 0");
        assertFalse(Files.exists(run), "nothing was created");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        assertUsageError(cli("search", "--resume", text.toString()), "not an evonorm run");
        assertEquals("hello", Files.readString(text));
        assertUsageError(cli("top", dir.resolve("nope").toString()), "does not exist");
    }

    @Test
    void aSearchKilledWithSigkillResumesWithoutLosingOrRepeatingWork() throws Exception {
        Path run = dir.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(search("--run", run.toString(), "--budget", "40")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        Path db = run.resolve(RunStore.FILE_NAME);
        long deadline = System.nanoTime() + 300_000_000_000L;
        int recorded = 0;
        while (recorded < 3 && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(200);
            if (Files.exists(db)) {
                try (RunStore store = RunStore.open(db)) {
                    recorded = store.completed().size();
                } catch (RuntimeException stillBeingCreated) {
                    recorded = 0;
                }
            }
        }
        assertTrue(p.isAlive(), "the search was still running when killed: " + Files.readString(dir.resolve("log.txt")));
        p.destroyForcibly().waitFor();
        List<CandidateRecord> beforeResume;
        try (RunStore store = RunStore.open(db)) {
            beforeResume = store.completed();
        }
        assertTrue(beforeResume.size() >= 3);
        Result resumed = cli("search", "--resume", run.toString(), "--budget", "12");
        assertEquals(0, resumed.code(), resumed.toString());
        try (RunStore store = RunStore.open(db)) {
            List<CandidateRecord> after = store.completed();
            for (int i = 0; i < beforeResume.size(); i++) {
                assertEquals(beforeResume.get(i).id(), after.get(i).id(), "what was recorded stays recorded");
                assertEquals(beforeResume.get(i).graph(), after.get(i).graph());
            }
            Set<Long> ids = new HashSet<>();
            after.forEach(r -> assertTrue(ids.add(r.id()), "candidate " + r.id() + " recorded twice"));
            long evaluated = after.stream().filter(CandidateRecord::wasEvaluated).count();
            assertEquals(Math.max(12, beforeResume.stream().filter(CandidateRecord::wasEvaluated).count()), evaluated);
        }
    }
}

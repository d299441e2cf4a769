package dev.evonorm.cli;

import com.hazelcast.core.HazelcastInstance;
import dev.evonorm.cluster.ClusterAddress;
import dev.evonorm.data.Augmentation;
import dev.evonorm.cluster.ClusterEvaluator;
import dev.evonorm.cluster.ClusterMembers;
import dev.evonorm.cluster.WorkerProtocol;
import dev.evonorm.cluster.WorkerStartException;
import dev.evonorm.screen.EvaluationPipeline;
import dev.evonorm.search.Budget;
import dev.evonorm.search.Evaluator;
import dev.evonorm.search.EvaluatorFailure;
import dev.evonorm.search.InProcessEvaluator;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchRun;
import dev.evonorm.store.RunStore;
import dev.evonorm.train.ProxyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search for normalization-activation layers: aging evolution (or random search) with rejection protocols, "
                + "recorded in a run database that survives interruption (resume with --resume).")
final class SearchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "Folder of a new run (default: runs/<date>-<strategy>).")
    Path runFolder;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR with its stored settings.")
    Path resume;

    @Option(names = "--strategy", defaultValue = "evolution", description = "evolution or random (random search with rejection, RS+rej) (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--space", defaultValue = "batch", description = "batch (B-series) or batch-independent (S-series) (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--selection", defaultValue = "pareto", description = "pareto (paper) or average (default: ${DEFAULT-VALUE}).")
    String selection;

    @Option(names = "--budget", defaultValue = "2h", description = "Candidates (500) or wall time (30m, 2h) (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--archs", defaultValue = "resnet,mobilenetv2,efficientnet", description = "Search architectures, K of them (default: ${DEFAULT-VALUE}).")
    String archs;

    @Option(names = "--population", defaultValue = "" + SearchConfig.DEFAULT_POPULATION, description = "Population size (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--tournament", defaultValue = "" + SearchConfig.DEFAULT_TOURNAMENT, description = "Tournament size (default: ${DEFAULT-VALUE}).")
    int tournament;

    @Option(names = "--evolve-from", defaultValue = "full", paramLabel = "full|N",
            description = "Members the population needs before evolution proposes mutants: 'full' fills it with random "
                    + "layers first, as in the paper; a smaller N fills the rest with mutants of the first N "
                    + "(default: ${DEFAULT-VALUE}).")
    String evolveFrom;

    @Option(names = "--dedupe", defaultValue = "structure", paramLabel = "structure|coefficients",
            description = "Which proposals are known and recorded as duplicates without training: 'structure', the same "
                    + "canonical graph; 'coefficients', also the same graph up to how its per-channel coefficients are "
                    + "written (tanh(x) + v0·x and tanh(x) + tanh(v0)·x: sub-expressions of v0/v1 without x that start "
                    + "at the same value), which leaves more of the budget for new functions (default: ${DEFAULT-VALUE}).")
    String dedupe;

    @Option(names = "--workers", defaultValue = "1",
            description = "Evaluation processes. 1: candidates train in this process, one at a time, and a resumed run continues exactly. "
                    + "N > 1: N worker processes (one intra-op thread each) train N candidates at once; results are recorded as they finish, "
                    + "so the run depends on timing. Not part of the run's settings: a resume may use another value (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Also evaluate on other machines: listen on HOST:PORT (0.0.0.0:PORT for every interface) for nodes started "
                    + "there with 'evonorm join HOST:PORT'. --workers then counts this machine's worker processes (0: none, "
                    + "only coordinate). Not part of the run's settings.")
    String cluster;

    @Option(names = "--start-from", paramLabel = "LAYERS",
            description = "Evolution proposes these layers first, through the same screens, then fills the rest of the population "
                    + "at random: evonorm-b0 … evonorm-s2, graph:FILE.json, or run:DIR (the population an earlier run ended with); "
                    + "comma-separated or repeated. Stored with the run (default: none, the paper's random start).")
    List<String> startFrom = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "0", description = "Search seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quality-steps", defaultValue = "100", description = "Training steps of the quality protocol (default: ${DEFAULT-VALUE}).")
    int qualitySteps;

    @Option(names = "--quality-threshold", defaultValue = "0.2", description = "Minimum accuracy after them; paper: 0.2 = twice chance for ten classes (default: ${DEFAULT-VALUE}).")
    double qualityThreshold;

    @Option(names = "--quality-examples", defaultValue = "1000", description = "Validation examples the quality protocol scores on; 0 for the whole split (default: ${DEFAULT-VALUE}).")
    int qualityExamples;

    @Option(names = "--quality-archs", defaultValue = "all", paramLabel = "first|all",
            description = "Architectures the quality protocol trains on: 'all' search architectures one after the other, "
                    + "which keeps layers at chance on any of them out of the population but fills it more slowly, or the "
                    + "'first' only, as the paper and runs made before 2026-12-02 (default: ${DEFAULT-VALUE}).")
    String qualityArchs;

    @Option(names = "--quality-check", defaultValue = "checkpoint", paramLabel = "checkpoint|separate",
            description = "Where the quality protocol's accuracy comes from: 'checkpoint' scores the full training at step "
                    + "--quality-steps and goes on with it when the layer passes (a layer that reaches full training costs "
                    + "that many fewer steps per checked architecture), 'separate' trains --quality-steps steps of its own "
                    + "and starts the full training anew, as runs made before 2026-12-02 (default: ${DEFAULT-VALUE}).")
    String qualityCheck;

    @Option(names = "--quality-everywhere", description = "Also reject a layer whose full training on any architecture ends below the quality threshold (default: the quality protocol decides).")
    boolean qualityEverywhere;

    @Option(names = "--functional-hash", defaultValue = "training",
            description = "Which candidates share one evaluation: 'training' treats layers that train identically as one (a v0 or v1 "
                    + "whose gradient is zero at its initial value never moves; v0 and −v0 train into mirror images), 'outputs' only "
                    + "layers that compute the same function at random v0, v1, as runs made before 2026-12-01 (default: ${DEFAULT-VALUE}).")
    String functionalHash;

    @Option(names = "--signal-threshold", defaultValue = "" + dev.evonorm.screen.SignalCheck.DEFAULT_MIN_GRADIENT_RATIO,
            paramLabel = "RATIO",
            description = "Signal screen before the quality protocol: one forward and backward pass of the first architecture at "
                    + "initialization rejects a layer whose loss or gradient is NaN/Inf, through which no gradient flows, or whose "
                    + "gradient at the first norm-act site is below RATIO times the last one's; 0 skips it, as runs made before "
                    + "2026-12-02 (default: ${DEFAULT-VALUE}).")
    double signalThreshold;

    @Option(names = "--signal-archs", defaultValue = "quality", paramLabel = "quality|first",
            description = "Architectures the signal screen checks: 'quality', every one the quality protocol trains on (all "
                    + "three with --quality-archs all), or the 'first' only, as runs made before 2026-12-02 (night) "
                    + "(default: ${DEFAULT-VALUE}).")
    String signalArchs;

    @Option(names = "--signal-max-ratio", defaultValue = "" + dev.evonorm.screen.SignalCheck.DEFAULT_MAX_GRADIENT_RATIO,
            paramLabel = "RATIO",
            description = "The signal screen also rejects a layer whose gradient at the first norm-act site is above RATIO "
                    + "times the last one's (it explodes toward the input); 0 for no upper bound, as runs made before "
                    + "2026-12-02 (night) (default: ${DEFAULT-VALUE}).")
    double signalMaxRatio;

    @Option(names = "--graph-executor", defaultValue = "native", paramLabel = "native|composed",
            description = "How candidate layers run: 'native', on the fused graph executor where it is built "
                    + "(docs/native-kernels.md), or 'composed' of DJL's ops, as runs made before 2026-12-03; stored with "
                    + "the run, so that a resume keeps the arithmetic its functional hashes were made with "
                    + "(default: ${DEFAULT-VALUE}).")
    String graphExecutor;

    @Option(names = "--stability-steps", defaultValue = "100", description = "Adversarial steps of the stability protocol; 0 disables it (default: ${DEFAULT-VALUE}).")
    int stabilitySteps;

    @Option(names = "--stability-threshold", defaultValue = "1e8", description = "Gradient-norm threshold (default: ${DEFAULT-VALUE}).")
    double stabilityThreshold;

    @Option(names = "--steps", defaultValue = "" + dev.evonorm.train.TrainConfig.DEFAULT_STEPS, description = "Proxy training steps per architecture (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "" + dev.evonorm.train.TrainConfig.DEFAULT_BATCH, description = "Proxy batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + dev.evonorm.train.TrainConfig.DEFAULT_PEAK_RATE, description = "Proxy peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--train-seed", defaultValue = "0", description = "Training seed shared by all candidates (default: ${DEFAULT-VALUE}).")
    long trainSeed;

    @Option(names = "--width", defaultValue = "1.0", description = "Architecture width multiplier (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--depth", defaultValue = "1.0", description = "Architecture depth multiplier (default: ${DEFAULT-VALUE}).")
    double depth;

    @Mixin
    DataOptions data;

    @Mixin
    LayerSettings layerSettings;

    /** Option name → settings key, for everything that defines a run. */
    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        String[][] pairs = {{"--strategy", "strategy"}, {"--space", "space"}, {"--selection", "selection"}, {"--budget", "budget"},
            {"--archs", "archs"}, {"--population", "population"}, {"--tournament", "tournament"}, {"--evolve-from", "evolve_from"}, {"--dedupe", "dedupe"}, {"--seed", "seed"},
            {"--quality-steps", "quality_steps"}, {"--quality-threshold", "quality_threshold"},
            {"--quality-examples", "quality_examples"}, {"--quality-everywhere", "quality_everywhere"},
            {"--quality-archs", "quality_archs"}, {"--quality-check", "quality_check"},
            {"--functional-hash", "functional_hash"}, {"--signal-threshold", "signal_threshold"},
            {"--signal-archs", "signal_archs"}, {"--signal-max-ratio", "signal_max_ratio"}, {"--graph-executor", "graph_executor"},
            {"--stability-steps", "stability_steps"}, {"--stability-threshold", "stability_threshold"}, {"--steps", "steps"},
            {"--batch-size", "batch_size"}, {"--lr", "lr"}, {"--train-seed", "train_seed"}, {"--width", "width"},
            {"--depth", "depth"}, {"--dataset", "dataset"}, {"--data", "data"}, {"--validation", "validation"},
            {"--train-subset", "train_subset"}, {"--resize", "resize"}, {"--augment", "augment"}, {"--data-seed", "data_seed"}, {"--eps", "eps"},
            {"--groups", "groups"}, {"--norm-only", "norm_only"}, {"--start-from", "start_from"}};
        for (String[] p : pairs) {
            KEYS.put(p[0], p[1]);
        }
    }

    @Override
    public void run() {
        ClusterAddress clusterAddress = cluster == null ? null : parseClusterAddress(cluster);
        // Listen first: an address that is taken fails before a run folder is made.
        HazelcastInstance member = clusterAddress == null ? null : startMember(clusterAddress);
        try {
            run(clusterAddress, member);
        } finally {
            if (member != null) {
                member.shutdown(); // a no-op when the evaluator already shut it down
            }
        }
    }

    private void run(ClusterAddress clusterAddress, HazelcastInstance member) {
        if (workers < (clusterAddress == null ? 1 : 0)) {
            throw new UserInputException("--workers must be at least 1, got " + workers
                    + (workers == 0 ? " (0 is for a search that only coordinates other machines, with --cluster)" : ""));
        }
        SearchSettings settings;
        RunStore store;
        Path folder;
        ProxyTask task;
        if (resume != null) {
            if (runFolder != null) {
                throw new UserInputException("--run and --resume exclude each other; use --resume DIR alone to continue a run");
            }
            folder = resume;
            store = RunStore.open(databaseOf(resume));
            try {
                settings = resumedSettings(store);
                validate(settings);
                task = ProxyTask.load(settings.dataConfig(), settings.training(), settings.width(), settings.depth());
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        } else {
            settings = new SearchSettings(fromFlags());
            validate(settings);
            folder = runFolder != null ? runFolder : defaultFolder(settings);
            // Load the data before creating anything, so a bad data setting leaves no half-made run behind.
            task = ProxyTask.load(settings.dataConfig(), settings.training(), settings.width(), settings.depth());
            store = RunStore.create(folder.resolve(RunStore.FILE_NAME), settings.values());
        }
        try (RunStore s = store) {
            if (resume != null) {
                // Only now that every setting and the data checked out: a refused resume changes nothing.
                s.forgetUnrecordedClaims();
            }
            EvaluationPipeline pipeline = new EvaluationPipeline(settings.pipeline(task), task.data(), s);
            SearchDisplay display = new SearchDisplay(folder, settings, describeEvaluation(folder, clusterAddress, member),
                    spec.commandLine().getOut());
            Map<String, String> workerSettings = new LinkedHashMap<>(settings.values());
            workerSettings.put(WorkerProtocol.DATA_FINGERPRINT, task.data().fingerprint());
            try (Evaluator evaluator = evaluator(workerSettings, folder, pipeline, member)) {
                display.showEvaluatorStatus(evaluator::status);
                new SearchRun(settings.searchConfig(), evaluator, s, display).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserInputException("search interrupted; resume it with 'evonorm search --resume " + folder + "'");
            } catch (WorkerStartException | EvaluatorFailure e) {
                throw new UserInputException(e.getMessage() + "; fix it and resume with 'evonorm search --resume " + folder + "'", e);
            }
        }
    }

    private static ClusterAddress parseClusterAddress(String text) {
        try {
            ClusterAddress a = ClusterAddress.parse(text);
            if (!a.isWildcard()) {
                a.ip();
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--cluster: " + e.getMessage());
        }
    }

    private String describeEvaluation(Path folder, ClusterAddress address, HazelcastInstance member) {
        String local = workers == 1 && address == null ? "in this process, one candidate at a time, denormals "
                + dev.evonorm.train.DenormalFlush.state()
                : workers + " worker process" + (workers == 1 ? "" : "es") + ", one intra-op thread" + (workers == 1 ? "" : " each")
                        + ", denormals " + dev.evonorm.train.DenormalFlush.inWorkers() + " (logs in " + folder.resolve("workers") + ")";
        if (address == null) {
            return local;
        }
        // Listening on every interface, Hazelcast picked one address to be known by: the one to join.
        String join = address.isWildcard() ? member.getCluster().getLocalMember().getAddress().getHost() + ":" + address.port()
                : address.toString();
        return "cluster at " + address + "; here: " + (workers == 0 ? "no worker processes" : local)
                + "; other machines join with 'evonorm join " + join + " --workers N'";
    }

    private static HazelcastInstance startMember(ClusterAddress address) {
        try {
            return ClusterMembers.startSearchMember(address);
        } catch (IllegalStateException e) {
            throw new UserInputException(e.getMessage() + "; choose another HOST:PORT for --cluster");
        }
    }

    /** @param workerSettings the run's settings plus what workers check (the data's fingerprint) */
    private Evaluator evaluator(Map<String, String> workerSettings, Path folder, EvaluationPipeline pipeline, HazelcastInstance member) {
        if (member == null && workers == 1) {
            return new InProcessEvaluator(p -> pipeline.evaluate(p.graph(), p.id()));
        }
        if (member == null) {
            return WorkerProcesses.pool(workers, folder.resolve("workers"), workerSettings, p -> pipeline.screen(p.graph(), p.id()));
        }
        ClusterEvaluator evaluator = new ClusterEvaluator(member, workerSettings, folder.toString(),
                p -> pipeline.screen(p.graph(), p.id()));
        if (workers > 0) {
            try {
                evaluator.addLocalNode(WorkerProcesses.pool(workers, folder.resolve("workers"), workerSettings, null));
            } catch (RuntimeException e) {
                evaluator.close();
                throw e;
            }
        }
        return evaluator;
    }

    private Map<String, String> fromFlags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("strategy", strategy);
        m.put("space", space);
        m.put("selection", selection);
        m.put("budget", budget);
        m.put("archs", archs);
        m.put("population", Integer.toString(population));
        m.put("tournament", Integer.toString(tournament));
        m.put("seed", Long.toString(seed));
        m.put("quality_steps", Integer.toString(qualitySteps));
        m.put("quality_threshold", Double.toString(qualityThreshold));
        m.put("quality_examples", Integer.toString(qualityExamples));
        m.put("quality_everywhere", Boolean.toString(qualityEverywhere));
        m.put("evolve_from", evolveFrom.trim().toLowerCase(java.util.Locale.ROOT));
        m.put("dedupe", dedupe.trim().toLowerCase(java.util.Locale.ROOT));
        m.put("quality_archs", qualityArchs);
        m.put("quality_check", qualityCheck);
        m.put("functional_hash", functionalHash);
        m.put("signal_threshold", Double.toString(signalThreshold));
        m.put("signal_archs", signalArchs.trim().toLowerCase(java.util.Locale.ROOT));
        m.put("signal_max_ratio", Double.toString(signalMaxRatio));
        m.put("graph_executor", graphExecutor.trim().toLowerCase(java.util.Locale.ROOT));
        m.put("stability_steps", Integer.toString(stabilitySteps));
        m.put("stability_threshold", Double.toString(stabilityThreshold));
        m.put("steps", Integer.toString(steps));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", Float.toString(lr));
        m.put("train_seed", Long.toString(trainSeed));
        m.put("width", Double.toString(width));
        m.put("depth", Double.toString(depth));
        m.put("dataset", data.dataset);
        m.put("data", data.folder == null ? "" : data.folder.toAbsolutePath().toString());
        m.put("validation", data.validation);
        m.put("train_subset", data.subset == null ? "" : data.subset.toString());
        m.put("resize", data.resize == null ? "" : data.resize.toString());
        m.put("augment", Augmentation.parse(data.augment).map(Augmentation::token).orElse(Augmentation.DEFAULT_TOKEN));
        m.put("data_seed", Long.toString(data.seed));
        m.put("eps", Double.toString(layerSettings.eps == null ? 1e-5 : layerSettings.eps));
        m.put("groups", layerSettings.groups == null ? "32" : layerSettings.groups);
        m.put("norm_only", layerSettings.normOnly == null ? "affine" : layerSettings.normOnly.toLowerCase(java.util.Locale.ROOT));
        m.put("start_from", StartingLayers.encode(StartingLayers.resolve(startFrom)));
        return m;
    }

    /** The stored settings, with a raised budget if one was given; any other differing flag is an error. */
    private SearchSettings resumedSettings(RunStore store) {
        Map<String, String> stored = new LinkedHashMap<>(store.settings());
        Map<String, String> given = fromFlags();
        ParseResult parsed = spec.commandLine().getParseResult();
        SearchSettings storedBefore = new SearchSettings(stored);
        for (Map.Entry<String, String> e : KEYS.entrySet()) {
            if (!parsed.hasMatchedOption(e.getKey())) {
                continue;
            }
            String key = e.getValue();
            String now = given.get(key);
            String then = storedBefore.stored(key);
            if (SearchSettings.RESUMABLE_CHANGES.contains(key)) {
                Budget.parse(now);
                stored.put(key, now);
            } else if (!now.equals(then)) {
                // The flag as the user typed it (starting layers would otherwise print as JSON).
                String typed = key.equals("start_from") ? String.join(",", startFrom) : now;
                throw new UserInputException(e.getKey() + " " + typed
                        + " conflicts with the run's " + key + " = " + SearchSettings.readable(key, then)
                        + "; drop the flag to resume this run, or start a new run with --run");
            }
        }
        SearchSettings s = new SearchSettings(stored);
        if (!stored.get("budget").equals(store.settings().get("budget"))) {
            store.setMeta("setting.budget", stored.get("budget"));
        }
        return s;
    }

    /** Builds every piece once so that an impossible setting fails before anything is written. */
    private static void validate(SearchSettings s) {
        if (s.qualityExamples() < 0) {
            throw new UserInputException("--quality-examples must be 0 (the whole validation split) or positive, got " + s.qualityExamples());
        }
        s.searchConfig();
        s.functionalHash();
        s.qualityOnEveryArch();
        double signal = s.signalThreshold();
        if (!(signal >= 0 && signal < 1)) {
            throw new UserInputException("--signal-threshold must be at least 0 (0 skips the signal screen) and below 1, got " + signal);
        }
        s.signalOnQualityArchs();
        s.nativeGraphExecutor();
        double max = s.signalMaxRatio();
        if (!(max == 0 || max > 1)) {
            throw new UserInputException("--signal-max-ratio must be 0 (no upper bound) or above 1, got " + max);
        }
        s.architectures();
        s.training();
        String conflict = s.qualityCheck().conflict(Integer.parseInt(s.get("quality_steps")), s.training().steps());
        if (conflict != null) {
            throw new UserInputException(conflict);
        }
        s.layerOptions();
        s.dataConfig();
    }

    static Path databaseOf(Path runOrFile) {
        if (Files.isDirectory(runOrFile)) {
            return runOrFile.resolve(RunStore.FILE_NAME);
        }
        if (Files.isRegularFile(runOrFile)) {
            return runOrFile;
        }
        throw new UserInputException(runOrFile + " does not exist; give the folder of a run created by 'evonorm search'");
    }

    private static Path defaultFolder(SearchSettings s) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-" + s.get("strategy") + "-" + s.get("space"));
    }
}

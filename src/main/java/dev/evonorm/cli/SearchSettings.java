package dev.evonorm.cli;

import dev.evonorm.data.Augmentation;
import dev.evonorm.data.DataConfig;
import dev.evonorm.data.TrainingSubset;
import dev.evonorm.data.ValidationSplit;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.NormOnlyPolicy;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.screen.EvaluationPipeline;
import dev.evonorm.screen.FunctionalHash;
import dev.evonorm.screen.QualityCheck;
import dev.evonorm.screen.StabilityProtocol;
import dev.evonorm.search.Budget;
import dev.evonorm.search.Dedupe;
import dev.evonorm.search.SearchConfig;
import dev.evonorm.search.SearchStrategy;
import dev.evonorm.search.Selection;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A run's complete settings as flat key/value strings: what {@code evonorm search} stores in the
 * run database and rebuilds everything from on {@code --resume}, so a resumed run uses exactly the
 * settings it started with.
 */
record SearchSettings(Map<String, String> values) {

    /** Keys whose value may change on resume (raising the budget continues a finished run). */
    static final List<String> RESUMABLE_CHANGES = List.of("budget");

    /**
     * Settings added after the first runs were made, with the value that reproduces what those
     * runs did: quality scored on the whole split and on the first architecture only, no
     * every-architecture rule, a random start, the functional hash of outputs alone, a quality
     * protocol that trains on its own, no signal screen (later: on the first architecture only and
     * without an upper bound), duplicates by structure only.
     */
    static final Map<String, String> ADDED_LATER = Map.ofEntries(Map.entry("quality_examples", "0"),
            Map.entry("quality_everywhere", "false"), Map.entry("start_from", ""),
            Map.entry("functional_hash", FunctionalHash.OUTPUTS.token()), Map.entry("quality_archs", "first"),
            Map.entry("quality_check", QualityCheck.SEPARATE.token()), Map.entry("augment", Augmentation.DEFAULT_TOKEN),
            Map.entry("evolve_from", "full"), Map.entry("signal_threshold", "0"), Map.entry("dedupe", Dedupe.STRUCTURE.token()),
            Map.entry("signal_archs", "first"), Map.entry("signal_max_ratio", "0"), Map.entry("graph_executor", "composed"));

    /** The stored value, or for a setting added later what a run made before it did. */
    String stored(String key) {
        String v = values.get(key);
        return v != null ? v : ADDED_LATER.get(key);
    }

    /** A setting's value as a person reads it: starting layers as formulas, not JSON. */
    static String readable(String key, String value) {
        if (!key.equals("start_from")) {
            return value;
        }
        return value.isEmpty() ? "none" : StartingLayers.describe(StartingLayers.decode(value));
    }

    SearchSettings {
        values = Map.copyOf(values);
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new UserInputException("the run's settings lack '" + key + "'; the run database is damaged or from another version");
        }
        return v;
    }

    SearchConfig searchConfig() {
        return new SearchConfig(SearchStrategy.fromToken(get("strategy")), SearchSpace.fromToken(get("space")),
                Selection.fromToken(get("selection")), Integer.parseInt(get("population")),
                Integer.parseInt(get("tournament")), Budget.parse(get("budget")), Long.parseLong(get("seed")), 10_000,
                startingLayers(), evolveFrom(), dedupe());
    }

    /** Which proposals are recorded as duplicates without evaluation; runs made before the setting dedupe by structure. */
    Dedupe dedupe() {
        try {
            return Dedupe.fromToken(stored("dedupe"));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    /** "full" (the paper's rule: the population size) or a member count. */
    int evolveFrom() {
        String v = stored("evolve_from");
        if (v.equals("full")) {
            return Integer.parseInt(get("population"));
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserInputException("--evolve-from '" + v + "' is neither 'full' nor a member count; use e.g."
                    + " --evolve-from 3");
        }
    }

    List<LayerGraph> startingLayers() {
        return StartingLayers.decode(stored("start_from"));
    }

    List<Architecture> architectures() {
        return Arrays.stream(get("archs").split(",")).map(String::trim).map(Architectures::byName).toList();
    }

    TrainConfig training() {
        return TrainConfig.defaults().withSteps(Integer.parseInt(get("steps"))).withBatchSize(Integer.parseInt(get("batch_size")))
                .withPeakLearningRate(Float.parseFloat(get("lr"))).withSeed(Long.parseLong(get("train_seed")));
    }

    LayerOptions layerOptions() {
        return LayerOptions.defaults().withEps(Double.parseDouble(get("eps"))).withGroups(LayerSettings.parseGroups(get("groups")))
                .withNormOnly(NormOnlyPolicy.valueOf(get("norm_only").toUpperCase(Locale.ROOT)))
                .withFusedGraphs(nativeGraphExecutor());
    }

    DataConfig dataConfig() {
        DataConfig c = DataConfig.defaults(get("dataset")).withSeed(Long.parseLong(get("data_seed")));
        String v = get("validation");
        c = c.withValidation(v.contains(".") ? ValidationSplit.ofFraction(Double.parseDouble(v)) : ValidationSplit.ofCount(Integer.parseInt(v)));
        if (!get("data").isEmpty()) {
            c = c.withDataFolder(Path.of(get("data")));
        }
        if (!get("train_subset").isEmpty()) {
            c = c.withTrainingSubset(TrainingSubset.random(Integer.parseInt(get("train_subset"))));
        }
        if (!get("resize").isEmpty()) {
            c = c.withResizeTo(Integer.parseInt(get("resize")));
        }
        Optional<Augmentation> augmentation = Augmentation.parse(get("augment"));
        if (augmentation.isPresent()) {
            c = c.withAugmentation(augmentation.get());
        }
        return c;
    }

    EvaluationPipeline.Settings pipeline(ProxyTask task) {
        StabilityProtocol.Config stability = Integer.parseInt(get("stability_steps")) == 0 ? null
                : new StabilityProtocol.Config(Integer.parseInt(get("stability_steps")), Double.parseDouble(get("stability_threshold")),
                        16, 0.01, 1e-3);
        return new EvaluationPipeline.Settings(searchConfig().space(), layerOptions(), architectures(), task.archConfig(),
                task.training(), Integer.parseInt(get("quality_steps")), Double.parseDouble(get("quality_threshold")),
                qualityExamples(), qualityOnEveryArch(), Boolean.parseBoolean(stored("quality_everywhere")), qualityCheck(),
                stability, functionalHash(), signalThreshold(), signalOnQualityArchs(), signalMaxRatio());
    }

    /** Whether the signal screen checks every architecture the quality protocol trains on ('quality') or the first ('first'). */
    boolean signalOnQualityArchs() {
        return storedChoice("signal_archs", "--signal-archs", "quality", "first");
    }

    /** The signal screen's upper bound on the gradient ratio; 0 (none) for runs made before it existed. */
    double signalMaxRatio() {
        return storedNumber("signal_max_ratio", "--signal-max-ratio", "1e4, or 0 for no upper bound");
    }

    /** The signal screen's gradient ratio; runs made before it existed have 0 (no screen). */
    double signalThreshold() {
        return storedNumber("signal_threshold", "--signal-threshold", "1e-4, or 0 to skip the screen");
    }

    /**
     * Whether candidate layers run on the fused graph executor ('native', where it is built) or
     * compose DJL's ops ('composed', as every run made before 2026-12-03: its stored functional
     * hashes were computed that way).
     */
    boolean nativeGraphExecutor() {
        return storedChoice("graph_executor", "--graph-executor", "native", "composed");
    }

    /** Whether the quality protocol trains on every search architecture ('all') or the first only. */
    boolean qualityOnEveryArch() {
        return storedChoice("quality_archs", "--quality-archs", "all", "first");
    }

    /** A two-valued setting: true for {@code yes}, false for {@code no}, anything else refused with the flag's name. */
    private boolean storedChoice(String key, String flag, String yes, String no) {
        String v = stored(key);
        if (v.equals(yes) || v.equals(no)) {
            return v.equals(yes);
        }
        throw new UserInputException(flag + " must be '" + yes + "' or '" + no + "', got '" + v + "'");
    }

    /** A numeric setting; a value that is not a number is refused with the flag's name and an example. */
    private double storedNumber(String key, String flag, String example) {
        String v = stored(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserInputException(flag + " '" + v + "' is not a number; use e.g. " + flag + " " + example);
        }
    }

    QualityCheck qualityCheck() {
        try {
            return QualityCheck.fromToken(stored("quality_check"));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    FunctionalHash functionalHash() {
        return FunctionalHash.fromToken(stored("functional_hash"));
    }

    /** Runs created before this setting existed scored quality on the whole split (0), and resume that way. */
    int qualityExamples() {
        return Integer.parseInt(stored("quality_examples"));
    }

    double width() {
        return Double.parseDouble(get("width"));
    }

    double depth() {
        return Double.parseDouble(get("depth"));
    }

    /** The settings as a readable block for the start of a run; a setting added later shows the value the run uses. */
    String describe() {
        StringBuilder b = new StringBuilder();
        readableAll().forEach((k, v) -> b.append("  ").append(k).append(" = ").append(v).append('\n'));
        return b.toString();
    }

    /** Every setting by name, as a person reads it; a setting added later has the value the run uses. */
    Map<String, String> readableAll() {
        Map<String, String> shown = new java.util.TreeMap<>(ADDED_LATER);
        shown.putAll(values);
        shown.replaceAll(SearchSettings::readable);
        return shown;
    }
}

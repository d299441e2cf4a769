package dev.evonorm.screen;

import dev.evonorm.data.DataSplits;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.train.ProxyTrainer;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import dev.evonorm.train.TrainingRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Evaluates one candidate layer, cheapest stage first: validity → numeric sanity and functional
 * hash → functional dedupe → signal screen (one forward and backward pass at initialization on
 * each architecture the quality protocol trains on, or on the first) →
 * quality protocol (on the first search architecture, or on each; a
 * short training of its own, or read part-way through the full training, which then goes on) →
 * stability protocol → full training on each search architecture (optionally rejecting an accuracy
 * below the quality threshold on any of them). The first stage that rejects ends the evaluation;
 * its stage and reason are the verdict. Nothing a candidate does makes this throw.
 */
public final class EvaluationPipeline {

    /**
     * @param qualitySteps training steps of the quality protocol (paper: 100)
     * @param qualityThreshold minimum validation accuracy after them (paper: 0.2 for ten classes)
     * @param qualityExamples validation examples the quality protocol scores on (the first ones of
     *     the split), 0 for all; a yes/no test against twice chance needs far fewer than the full
     *     training's accuracy does, and scoring the whole split was 30–40% of the stage's time
     * @param qualityOnEveryArch run the quality protocol on every search architecture, not only the
     *     first: in a 2-hour search with it on the first only, 44 of 69 accepted layers sat at chance
     *     on another architecture, took two thirds of the full-training time and crowded the
     *     population (11 of its 16 members below 30% mean accuracy after 2.5 hours)
     * @param qualityEverywhere also reject when the full training on any architecture ends below the
     *     threshold; off by default: such specialists (e.g. 79% on ResNet, chance on MobileNetV2)
     *     sit on the Pareto front and are stepping stones, and requiring every architecture made
     *     acceptance about ten times rarer in a measured run (1 in 831 candidates instead of 14 in
     *     1,096), so that a small machine could not fill the population
     * @param qualityCheck whether the quality protocol trains on its own or reads the accuracy at
     *     step {@code qualitySteps} of the full training, which then goes on (needs fewer quality
     *     steps than the full training has)
     * @param stability the stability protocol's settings, or null to skip it
     * @param functionalHash which candidates the functional dedupe treats as one
     * @param signalThreshold the signal screen's minimum ratio of the gradient at the first norm-act
     *     site to the gradient at the last ({@link SignalCheck}), 0 to skip the screen
     * @param signalOnQualityArchs run the signal screen on every architecture the quality protocol
     *     trains on (all of them with {@code qualityOnEveryArch}), not only the first: a layer
     *     without signal in MobileNetV2 otherwise costs ResNet's quality steps and MobileNetV2's
     * @param signalMaxRatio the signal screen's maximum of that ratio (the gradient explodes toward
     *     the input), 0 for none
     */
    public record Settings(SearchSpace space, LayerOptions layerOptions, List<Architecture> architectures,
                           ArchConfig archConfig, TrainConfig training, int qualitySteps, double qualityThreshold,
                           int qualityExamples, boolean qualityOnEveryArch, boolean qualityEverywhere,
                           QualityCheck qualityCheck, StabilityProtocol.Config stability,
                           FunctionalHash functionalHash, double signalThreshold, boolean signalOnQualityArchs,
                           double signalMaxRatio) {
        public Settings {
            if (qualityExamples < 0) {
                throw new IllegalArgumentException("--quality-examples must be 0 (all) or positive, got " + qualityExamples);
            }
            if (!(signalThreshold >= 0 && signalThreshold < 1)) {
                throw new IllegalArgumentException("--signal-threshold must be at least 0 (0 skips the signal screen) and below 1, got "
                        + signalThreshold);
            }
            if (!(signalMaxRatio == 0 || signalMaxRatio > Math.max(1, signalThreshold))) {
                throw new IllegalArgumentException("--signal-max-ratio must be 0 (no upper bound) or above 1, got " + signalMaxRatio);
            }
            String conflict = qualityCheck.conflict(qualitySteps, training.steps());
            if (conflict != null) {
                throw new IllegalArgumentException(conflict);
            }
        }

        /** The signal screen on the first architecture only, without an upper bound, as runs made before 2026-12-02 (night). */
        public Settings(SearchSpace space, LayerOptions layerOptions, List<Architecture> architectures, ArchConfig archConfig,
                        TrainConfig training, int qualitySteps, double qualityThreshold, int qualityExamples,
                        boolean qualityOnEveryArch, boolean qualityEverywhere, QualityCheck qualityCheck,
                        StabilityProtocol.Config stability, FunctionalHash functionalHash, double signalThreshold) {
            this(space, layerOptions, architectures, archConfig, training, qualitySteps, qualityThreshold, qualityExamples,
                    qualityOnEveryArch, qualityEverywhere, qualityCheck, stability, functionalHash, signalThreshold, false, 0);
        }

        /** The same without the signal screen. */
        public Settings(SearchSpace space, LayerOptions layerOptions, List<Architecture> architectures, ArchConfig archConfig,
                        TrainConfig training, int qualitySteps, double qualityThreshold, int qualityExamples,
                        boolean qualityOnEveryArch, boolean qualityEverywhere, QualityCheck qualityCheck,
                        StabilityProtocol.Config stability, FunctionalHash functionalHash) {
            this(space, layerOptions, architectures, archConfig, training, qualitySteps, qualityThreshold, qualityExamples,
                    qualityOnEveryArch, qualityEverywhere, qualityCheck, stability, functionalHash, 0);
        }
    }

    private final Settings settings;
    private final DataSplits data;
    private final DataSplits qualityData;
    private final FunctionalCache cache;
    /** The signal screen's mini-batch: fixed examples of the training split, as many as a training batch. */
    private final ImageDataset signalBatch;

    /** @param cache the run's functional cache; null for a pipeline that only {@link #train}s (a worker process) */
    public EvaluationPipeline(Settings settings, DataSplits data, FunctionalCache cache) {
        this.settings = settings;
        this.data = data;
        this.qualityData = withValidationPrefix(data, settings.qualityExamples());
        this.cache = cache;
        this.signalBatch = settings.signalThreshold() > 0
                ? InitDiagnostics.sample(data.train(), Math.min(settings.training().batchSize(), data.train().count()), 0)
                : null;
    }

    /** The same splits with only the first {@code count} validation examples (all of them for 0). */
    static DataSplits withValidationPrefix(DataSplits data, int count) {
        if (count == 0 || count >= data.validation().count()) {
            return data;
        }
        int[] first = java.util.stream.IntStream.range(0, count).toArray();
        return new DataSplits(data.spec(), data.train(), data.validation().select(first, data.validation().name()),
                data.test(), data.normalization(), data.augmentation());
    }

    /**
     * The cheap front of the evaluation: validity, numeric sanity with the functional hash, and the
     * functional dedupe. A pool of worker processes runs these in the search's own process, where
     * the cache lives, and sends only the training stages to the workers.
     *
     * @param rejection the verdict when a screen rejected the candidate, else null
     * @param functionalHash the functional hash (null when validity rejected it)
     * @param seconds wall time of these stages
     * @param stageSeconds per-stage wall time so far
     */
    public record Screened(Verdict rejection, String functionalHash, double seconds, Map<String, Double> stageSeconds) {
        public boolean passed() {
            return rejection == null;
        }
    }

    /** Screens, then trains (both halves below) in this thread. */
    public Verdict evaluate(LayerGraph graph, long candidateId) {
        Screened screened = screen(graph, candidateId);
        return screened.passed() ? train(graph, screened) : screened.rejection();
    }

    /** The screens before any training; claims the candidate's function in the cache when it passes. */
    public Screened screen(LayerGraph graph, long candidateId) {
        if (cache == null) {
            throw new IllegalStateException("this pipeline has no functional cache; it can only train screened candidates");
        }
        long start = System.nanoTime();
        Map<String, Double> seconds = new LinkedHashMap<>();
        String hash = null;
        Stage current = Stage.VALIDITY;
        try {
            long t = System.nanoTime();
            Optional<String> invalid = StaticScreen.check(graph, settings.space());
            seconds.put(Stage.VALIDITY.token(), since(t));
            if (invalid.isPresent()) {
                return rejectedScreen(Verdict.rejected(Stage.VALIDITY, invalid.get(), null, since(start), seconds));
            }

            current = Stage.NUMERIC;
            t = System.nanoTime();
            NumericProbe.Result probe = NumericProbe.probe(graph, settings.layerOptions(), settings.functionalHash());
            hash = probe.functionalHash();
            seconds.put(Stage.NUMERIC.token(), since(t));
            if (probe.problem().isPresent()) {
                return rejectedScreen(Verdict.rejected(Stage.NUMERIC, probe.problem().get(), hash, since(start), seconds));
            }
            OptionalLong original = cache.claim(hash, candidateId);
            if (original.isPresent()) {
                return rejectedScreen(Verdict.rejected(Stage.DUPLICATE, settings.functionalHash().duplicateReason(original.getAsLong()),
                        hash, since(start), seconds));
            }
            return new Screened(null, hash, since(start), seconds);
        } catch (RuntimeException e) {
            // An engine failure nobody anticipated is still a fact about this candidate.
            return rejectedScreen(Verdict.rejected(current, "engine error: " + e, hash, since(start), seconds));
        }
    }

    private static Screened rejectedScreen(Verdict v) {
        return new Screened(v, v.functionalHash(), v.seconds(), v.stageSeconds());
    }

    /**
     * The training stages of a candidate that passed {@link #screen}: quality protocol, stability
     * protocol, full training on each search architecture. The verdict's times include the screens'.
     */
    public Verdict train(LayerGraph graph, Screened screened) {
        long start = System.nanoTime();
        double before = screened.seconds();
        Map<String, Double> seconds = new LinkedHashMap<>(screened.stageSeconds());
        String hash = screened.functionalHash();
        Stage current = Stage.QUALITY;
        // With the checkpoint check, the trainings the quality protocol started and that go on.
        // Keyed by the architecture's index in the search's list.
        Map<Integer, TrainingRun> started = new LinkedHashMap<>();
        try {
            NormActFactory layer = Layers.graph(graph, settings.layerOptions());
            Architecture first = settings.architectures().get(0);
            List<Architecture> qualityArchs = settings.qualityOnEveryArch() ? settings.architectures() : List.of(first);
            long t;
            if (signalBatch != null) {
                current = Stage.SIGNAL;
                t = System.nanoTime();
                for (Architecture arch : settings.signalOnQualityArchs() ? qualityArchs : List.of(first)) {
                    Optional<String> silent = SignalCheck.check(arch, settings.archConfig(), layer, signalBatch,
                            settings.training().seed(), settings.signalThreshold(), settings.signalMaxRatio());
                    if (silent.isPresent()) {
                        seconds.put(Stage.SIGNAL.token(), since(t));
                        return Verdict.rejected(Stage.SIGNAL, silent.get(), hash, before + since(start), seconds);
                    }
                }
                seconds.put(Stage.SIGNAL.token(), since(t));
                current = Stage.QUALITY;
            }
            t = System.nanoTime();
            for (int k = 0; k < qualityArchs.size(); k++) {
                Architecture arch = qualityArchs.get(k);
                String rejection = settings.qualityCheck() == QualityCheck.CHECKPOINT
                        ? checkpointRejection(k, arch, layer, started)
                        : qualityRejection(arch, layer);
                if (rejection != null) {
                    seconds.put(Stage.QUALITY.token(), since(t));
                    return Verdict.rejected(Stage.QUALITY, rejection, hash, before + since(start), seconds);
                }
            }
            seconds.put(Stage.QUALITY.token(), since(t));

            if (settings.stability() != null) {
                current = Stage.STABILITY;
                t = System.nanoTime();
                StabilityProtocol.Result stable = StabilityProtocol.run(first, settings.archConfig(), layer, data,
                        settings.stability(), settings.training().seed());
                seconds.put(Stage.STABILITY.token(), since(t));
                if (stable.rejected()) {
                    return Verdict.rejected(Stage.STABILITY, first.name() + ": " + stable.reason(), hash,
                            before + since(start), seconds);
                }
            }

            current = Stage.TRAINING;
            double[] accuracies = new double[settings.architectures().size()];
            t = System.nanoTime();
            for (int k = 0; k < accuracies.length; k++) {
                Architecture arch = settings.architectures().get(k);
                TrainingRun run = started.remove(k);
                TrainResult result;
                if (run != null) {
                    try (run) {
                        result = run.finish(data, step -> { });
                    }
                } else {
                    result = ProxyTrainer.train(arch, settings.archConfig(), layer, data, settings.training());
                }
                if (result instanceof TrainResult.Failed f) {
                    seconds.put(Stage.TRAINING.token(), since(t));
                    return Verdict.rejected(Stage.TRAINING, arch.name() + ": " + f.reason(), hash, before + since(start), seconds);
                }
                accuracies[k] = ((TrainResult.Trained) result).accuracy();
                // A layer that passed the quality protocol may still end near chance after full
                // training; with this rule it is no candidate for the population either.
                if (settings.qualityEverywhere() && accuracies[k] < settings.qualityThreshold()) {
                    seconds.put(Stage.TRAINING.token(), since(t));
                    return Verdict.rejected(Stage.TRAINING, String.format("%s: accuracy %.3f after full training, below the quality threshold %.3f",
                            arch.name(), accuracies[k], settings.qualityThreshold()), hash, before + since(start), seconds);
                }
            }
            seconds.put(Stage.TRAINING.token(), since(t));
            return Verdict.accepted(accuracies, hash, before + since(start), seconds);
        } catch (RuntimeException e) {
            return Verdict.rejected(current, "engine error: " + e, hash, before + since(start), seconds);
        } finally {
            started.values().forEach(TrainingRun::close);
        }
    }

    /** The quality protocol on one architecture: why the layer fails it, or null when it passes. */
    private String qualityRejection(Architecture arch, NormActFactory layer) {
        TrainResult quality = ProxyTrainer.train(arch, settings.archConfig(), layer, qualityData,
                settings.training().withSteps(settings.qualitySteps()));
        return rejection(arch, quality, "after " + settings.qualitySteps() + " steps");
    }

    /**
     * The quality protocol read at step {@code qualitySteps} of the full training on one
     * architecture: why the layer fails it, or null when it passes (the training is then left in
     * {@code started} to go on).
     */
    private String checkpointRejection(int index, Architecture arch, NormActFactory layer, Map<Integer, TrainingRun> started) {
        TrainingRun run = TrainingRun.start(arch, settings.archConfig(), layer, data, settings.training());
        started.put(index, run);
        Optional<TrainResult.Failed> failed = run.trainTo(settings.qualitySteps(), step -> { });
        TrainResult quality = failed.isPresent() ? failed.get() : run.score(qualityData.validation());
        return rejection(arch, quality, "at step " + settings.qualitySteps() + " of " + settings.training().steps());
    }

    /** Why a quality result fails the protocol ({@code when}: where it was read), or null when it passes. */
    private String rejection(Architecture arch, TrainResult quality, String when) {
        if (quality instanceof TrainResult.Failed f) {
            return arch.name() + ": " + f.reason();
        }
        double accuracy = ((TrainResult.Trained) quality).accuracy();
        if (accuracy < settings.qualityThreshold()) {
            return String.format("%s: accuracy %.3f %s, below %.3f", arch.name(), accuracy, when, settings.qualityThreshold());
        }
        return null;
    }

    private static double since(long t) {
        return (System.nanoTime() - t) / 1e9;
    }
}

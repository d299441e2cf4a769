package dev.evonorm.screen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.data.DataSplits;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.ArchitectureRole;
import dev.evonorm.models.Architectures;
import dev.evonorm.train.SyntheticData;
import dev.evonorm.train.ProxyTrainer;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ScreeningTest {
    static final DataSplits DATA = SyntheticData.splits(1024, 256, 7);
    static final ArchConfig ARCH = new ArchConfig(1, SyntheticData.SIDE, 10, 0.5, 1.0);
    static final LayerOptions OPTIONS = LayerOptions.defaults();

    private static LayerGraph g(String nodes) {
        return GraphJson.parse("{\"nodes\": [" + nodes + "]}");
    }

    private static String hash(LayerGraph graph) {
        return NumericProbe.probe(graph, OPTIONS).functionalHash();
    }

    @Test
    void sameFunctionSameHashDifferentFunctionDifferentHash() {
        LayerGraph tanh = g("{\"op\": \"tanh\", \"in\": [0]}");
        // tanh is odd: −tanh(−x) = tanh(x), a different structure with the same function.
        LayerGraph oddTanh = g("{\"op\": \"neg\", \"in\": [0]}, {\"op\": \"tanh\", \"in\": [4]}, {\"op\": \"neg\", \"in\": [5]}");
        LayerGraph abs = g("{\"op\": \"abs\", \"in\": [0]}");
        LayerGraph absAbs = g("{\"op\": \"abs\", \"in\": [0]}, {\"op\": \"abs\", \"in\": [4]}");
        assertEquals(hash(tanh), hash(oddTanh));
        assertEquals(hash(abs), hash(absAbs));
        assertNotEquals(hash(tanh), hash(abs));
        assertNotEquals(hash(g("{\"op\": \"sigmoid\", \"in\": [0]}")), hash(tanh));
        // v1 is probed at random values, so v1·x is not mistaken for x·1.
        LayerGraph v1x = g("{\"op\": \"mul\", \"in\": [3, 0]}, {\"op\": \"tanh\", \"in\": [4]}");
        assertNotEquals(hash(tanh), hash(v1x));
        // 64 probe channels make groups of two, so group and instance statistics differ.
        assertNotEquals(hash(g("{\"op\": \"var_hwg\", \"in\": [0]}, {\"op\": \"div\", \"in\": [0, 4]}")),
                hash(g("{\"op\": \"var_hw\", \"in\": [0]}, {\"op\": \"div\", \"in\": [0, 4]}")));
        assertEquals(hash(PublishedGraphs.S0), hash(PublishedGraphs.S0), "deterministic");
    }

    private static String hash(LayerGraph graph, FunctionalHash scheme) {
        return NumericProbe.probe(graph, OPTIONS, scheme).functionalHash();
    }

    // Graphs for the training-equivalence hash. Node 1 is zero, 2 is v0, 3 is v1.
    static final LayerGraph TANH = g("{\"op\": \"tanh\", \"in\": [0]}");
    /** tanh(x) + v0²: v0's gradient 2·v0 is 0 at v0 = 0, so v0 never moves. */
    static final LayerGraph TANH_PLUS_V0_SQUARED = g("{\"op\": \"square\", \"in\": [2]}, {\"op\": \"tanh\", \"in\": [0]}, {\"op\": \"add\", \"in\": [5, 4]}");
    /** tanh(x) + |v0|: |·| has gradient sign(0) = 0 at 0. */
    static final LayerGraph TANH_PLUS_ABS_V0 = g("{\"op\": \"abs\", \"in\": [2]}, {\"op\": \"tanh\", \"in\": [0]}, {\"op\": \"add\", \"in\": [5, 4]}");
    static final LayerGraph TANH_PLUS_X_V0 = g("{\"op\": \"tanh\", \"in\": [0]}, {\"op\": \"mul\", \"in\": [0, 2]}, {\"op\": \"add\", \"in\": [4, 5]}");
    static final LayerGraph TANH_MINUS_X_V0 = g("{\"op\": \"tanh\", \"in\": [0]}, {\"op\": \"neg\", \"in\": [0]}, {\"op\": \"mul\", \"in\": [5, 2]}, {\"op\": \"add\", \"in\": [4, 6]}");
    static final LayerGraph RELU = g("{\"op\": \"max\", \"in\": [0, 1]}");
    /** max(x, (sign(v1)·ln|v1|)²): ln 1 = 0, so the square's gradient is 0 and v1 stays 1: relu. */
    static final LayerGraph RELU_VIA_V1 = g("{\"op\": \"signed_log\", \"in\": [3]}, {\"op\": \"square\", \"in\": [4]}, {\"op\": \"max\", \"in\": [0, 5]}");
    static final LayerGraph TANH_V1X = g("{\"op\": \"mul\", \"in\": [3, 0]}, {\"op\": \"tanh\", \"in\": [4]}");
    /**
     * tanh(v1·x) + v0·(v1 − 1): v0's gradient is 0 at v1 = 1, but v1 moves (its gradient is x·tanh′),
     * and then v0's is not: v0 is not frozen.
     */
    static final LayerGraph TANH_V1X_PLUS_V0_V1_MINUS_1 = g("{\"op\": \"mul\", \"in\": [3, 0]}, {\"op\": \"tanh\", \"in\": [4]},"
            + "{\"op\": \"exp\", \"in\": [1]}, {\"op\": \"neg\", \"in\": [6]}, {\"op\": \"add\", \"in\": [3, 7]},"
            + "{\"op\": \"mul\", \"in\": [2, 8]}, {\"op\": \"add\", \"in\": [5, 9]}");

    /** tanh(x) + v0·(v1 − 1): at (0, 1) neither vector has a gradient, so neither ever moves: tanh(x). */
    static final LayerGraph TANH_PLUS_V0_V1_MINUS_1 = g("{\"op\": \"tanh\", \"in\": [0]}, {\"op\": \"exp\", \"in\": [1]},"
            + "{\"op\": \"neg\", \"in\": [5]}, {\"op\": \"add\", \"in\": [3, 6]}, {\"op\": \"mul\", \"in\": [2, 7]},"
            + "{\"op\": \"add\", \"in\": [4, 8]}");

    @Test
    void theTrainingHashMergesLayersThatTrainIdenticallyAndOnlyThose() {
        FunctionalHash training = FunctionalHash.TRAINING;
        FunctionalHash outputs = FunctionalHash.OUTPUTS;
        // A vector with zero gradient at its initial value is hashed there.
        assertEquals(hash(TANH, training), hash(TANH_PLUS_V0_SQUARED, training));
        assertEquals(hash(TANH, training), hash(TANH_PLUS_ABS_V0, training));
        assertEquals(hash(RELU, training), hash(RELU_VIA_V1, training));
        assertEquals(hash(TANH, training), hash(TANH_PLUS_V0_V1_MINUS_1, training), "jointly frozen");
        // v0 starts at 0: both signs of it train into mirror images.
        assertEquals(hash(TANH_PLUS_X_V0, training), hash(TANH_MINUS_X_V0, training));
        // The outputs scheme (earlier runs) tells all of these apart.
        assertNotEquals(hash(TANH, outputs), hash(TANH_PLUS_V0_SQUARED, outputs));
        assertNotEquals(hash(RELU, outputs), hash(RELU_VIA_V1, outputs));
        assertNotEquals(hash(TANH_PLUS_X_V0, outputs), hash(TANH_MINUS_X_V0, outputs));
        // What training can tell apart stays apart.
        assertNotEquals(hash(TANH, training), hash(TANH_PLUS_X_V0, training), "x·v0 gets a gradient and moves");
        assertNotEquals(hash(TANH, training), hash(TANH_V1X, training), "v1·x gets a gradient and moves");
        assertNotEquals(hash(TANH_V1X, training), hash(TANH_V1X_PLUS_V0_V1_MINUS_1, training),
                "v0's gradient is 0 only while v1 = 1, and v1 moves");
        assertNotEquals(hash(TANH, training), hash(g("{\"op\": \"sigmoid\", \"in\": [0]}"), training));
        // A layer without v0 or v1 hashes the same in both schemes, and so does S0 (v1 moves, no v0).
        assertEquals(hash(TANH, outputs), hash(TANH, training));
        assertEquals(hash(PublishedGraphs.S0, outputs), hash(PublishedGraphs.S0, training));
        assertEquals(hash(TANH_MINUS_X_V0, training), hash(TANH_MINUS_X_V0, training), "deterministic");
    }

    @Test
    void layersTheTrainingHashMergesReachTheSameAccuracy() {
        TrainConfig training = TrainConfig.defaults().withSteps(30).withBatchSize(32).withPeakLearningRate(0.05f);
        Architecture resnet = Architectures.byName("resnet");
        LayerGraph[][] twins = {{TANH, TANH_PLUS_V0_SQUARED}, {TANH_PLUS_X_V0, TANH_MINUS_X_V0}, {RELU, RELU_VIA_V1},
            {TANH, TANH_PLUS_V0_V1_MINUS_1}};
        for (LayerGraph[] pair : twins) {
            double[] accuracy = new double[2];
            for (int k = 0; k < 2; k++) {
                TrainResult r = ProxyTrainer.train(resnet, ARCH, Layers.graph(pair[k], OPTIONS), DATA, training);
                accuracy[k] = ((TrainResult.Trained) r).accuracy();
            }
            assertEquals(accuracy[0], accuracy[1], 1e-9, pair[0] + " and " + pair[1]);
        }
    }

    @Test
    void numericSanityRejectsNaNAndConstantOutputs() {
        assertTrue(NumericProbe.probe(g("{\"op\": \"div\", \"in\": [0, 1]}"), OPTIONS).problem().orElseThrow().contains("NaN/Inf"));
        assertTrue(NumericProbe.probe(g("{\"op\": \"mul\", \"in\": [0, 1]}"), OPTIONS).problem().orElseThrow().contains("constant"));
        for (LayerGraph published : PublishedGraphs.byName().values()) {
            assertFalse(NumericProbe.probe(published, OPTIONS).problem().isPresent(), published.toString());
        }
    }

    @Test
    void validityChecksTheSpaceAndTheInput() {
        assertTrue(StaticScreen.check(PublishedGraphs.B0, SearchSpace.BATCH_INDEPENDENT).isPresent());
        assertFalse(StaticScreen.check(PublishedGraphs.B0, SearchSpace.BATCH_DEPENDENT).isPresent());
        assertFalse(StaticScreen.check(PublishedGraphs.S0, SearchSpace.BATCH_INDEPENDENT).isPresent());
        assertTrue(StaticScreen.check(g("{\"op\": \"tanh\", \"in\": [3]}"), SearchSpace.BATCH_DEPENDENT).orElseThrow()
                .contains("does not depend on the input"));
        // tanh(s²_{b,h,w}(x)): one value per channel, the same for every sample.
        assertTrue(StaticScreen.check(g("{\"op\": \"var_bhw\", \"in\": [0]}, {\"op\": \"tanh\", \"in\": [4]}"),
                SearchSpace.BATCH_DEPENDENT).orElseThrow().contains("same for every sample"));
        // x / √s²_{b,h,w}(x): the statistic is shared, but x itself reaches the output.
        assertFalse(StaticScreen.check(g("{\"op\": \"var_bhw\", \"in\": [0]}, {\"op\": \"signed_sqrt\", \"in\": [4]},"
                + " {\"op\": \"div\", \"in\": [0, 5]}"), SearchSpace.BATCH_DEPENDENT).isPresent());
    }

    @Test
    void stabilityAcceptsBatchNormAndRejectsAnExplodingLayer() {
        StabilityProtocol.Config config = new StabilityProtocol.Config(30, 1e8, 16, 0.05, 1e-3);
        StabilityProtocol.Result stable = StabilityProtocol.run(Architectures.byName("resnet"), ARCH,
                Layers.factory("bn-relu"), DATA, config, 1);
        assertFalse(stable.rejected(), stable.toString());
        assertEquals(30, stable.stepsRun());
        // exp(exp(x)) compounds: the adversary drives the gradient norm past any bound.
        LayerGraph explode = g("{\"op\": \"exp\", \"in\": [0]}, {\"op\": \"exp\", \"in\": [4]}");
        StabilityProtocol.Result unstable = StabilityProtocol.run(Architectures.byName("resnet"), ARCH,
                Layers.graph(explode, OPTIONS), DATA, config, 1);
        assertTrue(unstable.rejected(), unstable.toString());
        assertTrue(unstable.maxGradientNorm() > 1e8);
    }

    @Test
    void stabilityRunsOnAThreadWhoseGradModeIsOn() throws Exception {
        // The engine turns autograd off only on the thread that started it; a fresh thread has it on,
        // and an in-place change of a parameter there used to fail ("a leaf Variable that requires grad
        // is being used in an in-place operation") once the engine had been started elsewhere.
        ai.djl.engine.Engine.getInstance();
        StabilityProtocol.Config config = new StabilityProtocol.Config(3, 1e8, 16, 0.05, 1e-3);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread fresh = new Thread(() -> {
            try {
                outcome.set(StabilityProtocol.run(Architectures.byName("resnet"), ARCH, Layers.factory("bn-relu"), DATA, config, 1));
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        fresh.start();
        fresh.join();
        assertTrue(outcome.get() instanceof StabilityProtocol.Result r && !r.rejected() && r.stepsRun() == 3, String.valueOf(outcome.get()));
    }

    /** A cache in memory, as the run database provides it. */
    static final class MemoryCache implements FunctionalCache {
        final Map<String, Long> first = new HashMap<>();

        @Override
        public OptionalLong claim(String functionalHash, long candidateId) {
            Long before = first.putIfAbsent(functionalHash, candidateId);
            return before == null ? OptionalLong.empty() : OptionalLong.of(before);
        }
    }

    @Test
    void pipelineRunsTheStagesCheapestFirst() {
        TrainConfig training = TrainConfig.defaults().withSteps(40).withBatchSize(32).withPeakLearningRate(0.05f);
        EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS,
                List.of(Architectures.byName("resnet"), Architectures.byName("mobilenetv2")), ARCH, training, 20, 0.2, 0, true, false,
                QualityCheck.SEPARATE, new StabilityProtocol.Config(5, 1e8, 16, 0.01, 1e-3), FunctionalHash.TRAINING);
        EvaluationPipeline pipeline = new EvaluationPipeline(settings, DATA, new MemoryCache());

        Verdict s0 = pipeline.evaluate(PublishedGraphs.S0, 1);
        assertEquals(Stage.ACCEPTED, s0.stage(), s0.reason());
        assertEquals(2, s0.accuracies().length);
        assertTrue(s0.accuracies()[0] > 0.5, "S0 learns the synthetic task: " + s0.accuracies()[0]);
        assertTrue(s0.stageSeconds().keySet().containsAll(List.of("validity", "numeric", "quality", "stability", "training")));

        Verdict again = pipeline.evaluate(g("{\"op\": \"mul\", \"in\": [3, 0]}, {\"op\": \"sigmoid\", \"in\": [4]},"
                + "{\"op\": \"var_hwg\", \"in\": [0]}, {\"op\": \"signed_sqrt\", \"in\": [6]},"
                + "{\"op\": \"mul\", \"in\": [0, 5]}, {\"op\": \"div\", \"in\": [8, 7]}"), 2);
        assertEquals(Stage.DUPLICATE, again.stage(), "S0 written in another node order is the same function");
        assertTrue(again.reason().contains("candidate 1"));

        assertEquals(Stage.VALIDITY, pipeline.evaluate(g("{\"op\": \"tanh\", \"in\": [2]}"), 3).stage());
        assertEquals(Stage.NUMERIC, pipeline.evaluate(g("{\"op\": \"div\", \"in\": [0, 1]}"), 4).stage());
        // A layer that throws its input away (but not its shape) cannot learn: quality rejects it.
        Verdict blind = pipeline.evaluate(g("{\"op\": \"var_bhw\", \"in\": [0]}, {\"op\": \"add\", \"in\": [4, 0]},"
                + "{\"op\": \"mean_hw\", \"in\": [5]}"), 5);
        assertEquals(Stage.QUALITY, blind.stage(), blind.reason());
    }

    @Test
    void qualityEverywhereRejectsAFullTrainingBelowTheThresholdOnAnyArchitecture() {
        TrainConfig training = TrainConfig.defaults().withSteps(40).withBatchSize(32).withPeakLearningRate(0.05f);
        for (boolean everywhere : new boolean[] {true, false}) {
            EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS,
                    List.of(Architectures.byName("resnet"), new Blindfolded()), ARCH, training, 20, 0.2, 100, false, everywhere, QualityCheck.SEPARATE, null,
                    FunctionalHash.TRAINING);
            Verdict s0 = new EvaluationPipeline(settings, DATA, new MemoryCache()).evaluate(PublishedGraphs.S0, 1);
            if (everywhere) {
                assertEquals(Stage.TRAINING, s0.stage(), s0.reason());
                assertTrue(s0.reason().startsWith("blindfolded: ") && s0.reason().contains("quality threshold"), s0.reason());
            } else {
                assertEquals(Stage.ACCEPTED, s0.stage(), "by default a specialist is kept: " + s0.reason());
                assertTrue(s0.accuracies()[1] < 0.2, "at chance on the blindfolded network: " + s0.accuracies()[1]);
            }
        }
    }

    @Test
    void qualityOnEveryArchitectureRejectsBeforeAnyFullTraining() {
        TrainConfig training = TrainConfig.defaults().withSteps(40).withBatchSize(32).withPeakLearningRate(0.05f);
        EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS,
                List.of(Architectures.byName("resnet"), new Blindfolded()), ARCH, training, 20, 0.2, 100, true, false,
                QualityCheck.SEPARATE, new StabilityProtocol.Config(5, 1e8, 16, 0.01, 1e-3), FunctionalHash.TRAINING);
        Verdict s0 = new EvaluationPipeline(settings, DATA, new MemoryCache()).evaluate(PublishedGraphs.S0, 1);
        assertEquals(Stage.QUALITY, s0.stage(), s0.reason());
        assertTrue(s0.reason().startsWith("blindfolded: accuracy ") && s0.reason().contains("after 20 steps, below 0.200"),
                s0.reason());
        assertTrue(s0.stageSeconds().containsKey("quality"));
        assertFalse(s0.stageSeconds().containsKey("stability"), "stopped before the stability protocol");
        assertFalse(s0.stageSeconds().containsKey("training"), "and before any full training");
    }

    @Test
    void theCheckpointQualityCheckKeepsTheFullTrainingsAccuraciesAndRejectsAtTheSameStage() {
        TrainConfig training = TrainConfig.defaults().withSteps(40).withBatchSize(32).withPeakLearningRate(0.05f);
        List<Architecture> archs = List.of(Architectures.byName("resnet"), Architectures.byName("mobilenetv2"));
        StabilityProtocol.Config stability = new StabilityProtocol.Config(5, 1e8, 16, 0.01, 1e-3);
        double[][] accuracies = new double[2][];
        for (QualityCheck check : QualityCheck.values()) {
            EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS,
                    archs, ARCH, training, 20, 0.2, 100, true, false, check, stability, FunctionalHash.TRAINING);
            Verdict s0 = new EvaluationPipeline(settings, DATA, new MemoryCache()).evaluate(PublishedGraphs.S0, 1);
            assertEquals(Stage.ACCEPTED, s0.stage(), check + ": " + s0.reason());
            accuracies[check.ordinal()] = s0.accuracies();
        }
        // The stability protocol ran between step 20 and the rest of both trainings, and changed nothing.
        assertArrayEquals(accuracies[QualityCheck.SEPARATE.ordinal()], accuracies[QualityCheck.CHECKPOINT.ordinal()],
                "the full trainings are the same trainings");

        EvaluationPipeline.Settings blindfolded = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS,
                List.of(Architectures.byName("resnet"), new Blindfolded()), ARCH, training, 20, 0.2, 100, true, false,
                QualityCheck.CHECKPOINT, stability, FunctionalHash.TRAINING);
        Verdict v = new EvaluationPipeline(blindfolded, DATA, new MemoryCache()).evaluate(PublishedGraphs.S0, 1);
        assertEquals(Stage.QUALITY, v.stage(), v.reason());
        assertTrue(v.reason().startsWith("blindfolded: accuracy ") && v.reason().contains("at step 20 of 40, below 0.200"), v.reason());
        assertFalse(v.stageSeconds().containsKey("stability"), "stopped before the stability protocol");
        assertFalse(v.stageSeconds().containsKey("training"));

        Verdict blind = new EvaluationPipeline(blindfolded, DATA, new MemoryCache()).evaluate(g("{\"op\": \"var_bhw\", \"in\": [0]},"
                + "{\"op\": \"add\", \"in\": [4, 0]}, {\"op\": \"mean_hw\", \"in\": [5]}"), 2);
        assertEquals(Stage.QUALITY, blind.stage(), "a layer that throws its input away fails at the checkpoint: " + blind.reason());
        assertTrue(blind.reason().startsWith("resnet: "), blind.reason());
    }

    @Test
    void theCheckpointNeedsFewerQualityStepsThanTheFullTraining() {
        TrainConfig training = TrainConfig.defaults().withSteps(40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EvaluationPipeline.Settings(
                SearchSpace.BATCH_DEPENDENT, OPTIONS, List.of(Architectures.byName("resnet")), ARCH, training, 40, 0.2, 100, false,
                false, QualityCheck.CHECKPOINT, null, FunctionalHash.TRAINING));
        assertEquals("--quality-check checkpoint reads the accuracy part-way through the full training, so --quality-steps (40) "
                + "must be below --steps (40); lower --quality-steps or use --quality-check separate", e.getMessage());
        new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, OPTIONS, List.of(Architectures.byName("resnet")), ARCH,
                training, 40, 0.2, 100, false, false, QualityCheck.SEPARATE, null, FunctionalHash.TRAINING);
    }

    @Test
    void qualityScoresOnTheFirstExamplesOfTheValidationSplit() {
        DataSplits prefix = EvaluationPipeline.withValidationPrefix(DATA, 100);
        assertEquals(100, prefix.validation().count());
        for (int i = 0; i < 100; i++) {
            assertEquals(DATA.validation().label(i), prefix.validation().label(i));
            assertEquals(DATA.validation().pixel(i, 0, 3, 4), prefix.validation().pixel(i, 0, 3, 4));
        }
        assertTrue(prefix.train() == DATA.train(), "training data untouched");
        assertTrue(EvaluationPipeline.withValidationPrefix(DATA, 0) == DATA, "0 means the whole split");
        assertTrue(EvaluationPipeline.withValidationPrefix(DATA, 10_000) == DATA, "more than there are means the whole split");
    }

    /** ResNet that sees noise in place of the image: no layer can beat chance on it, so it must fail the quality bar. */
    private static final class Blindfolded implements Architecture {
        @Override
        public String name() {
            return "blindfolded";
        }

        @Override
        public ArchitectureRole role() {
            return ArchitectureRole.SEARCH;
        }

        @Override
        public String summary() {
            return "ResNet fed noise";
        }

        @Override
        public Block build(NormActFactory factory, ArchConfig config) {
            return new SequentialBlock()
                    .add(new LambdaBlock(in -> new NDList(in.singletonOrThrow().getManager().randomNormal(in.singletonOrThrow().getShape()))))
                    .add(Architectures.byName("resnet").build(factory, config));
        }
    }
}

package dev.evonorm.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.data.ImageDataset;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.SearchSpace;
import dev.evonorm.layers.Layers;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.train.TrainConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalCheckTest {
    private static final Architecture RESNET = Architectures.byName("resnet");
    private static final ImageDataset BATCH = InitDiagnostics.sample(ScreeningTest.DATA.train(), 32, 0);

    private static LayerGraph g(String nodes) {
        return GraphJson.parse("{\"nodes\": [" + nodes + "]}");
    }

    private static Optional<String> check(LayerGraph graph) {
        return SignalCheck.check(RESNET, ScreeningTest.ARCH, Layers.graph(graph, ScreeningTest.OPTIONS), BATCH, 0,
                SignalCheck.DEFAULT_MIN_GRADIENT_RATIO);
    }

    private static InitDiagnostics.Result result(double loss, double... gradients) {
        List<SiteMeasures> sites = new java.util.ArrayList<>();
        for (int i = 0; i < gradients.length; i++) {
            sites.add(new SiteMeasures(i + 1, "site " + (i + 1), 4, 1, 1, 0.1, 3, gradients[i]));
        }
        return new InitDiagnostics.Result(loss, sites);
    }

    @Test
    void theRulesOnMeasuresTaken() {
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 0.02, 0.05, 0.01), 1e-4));
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 2e-6, 0.01), 1e-4), "twice the ratio passes");
        assertTrue(SignalCheck.problem(result(2.3, 5e-7, 0.01), 1e-4).orElseThrow()
                .startsWith("gradient at the first norm-act site is 5.0e-05 of that at the last at initialization (below 1.0e-04)"));
        assertTrue(SignalCheck.problem(result(Double.NaN, 0.1, 0.1), 1e-4).orElseThrow().contains("loss at initialization is NaN"));
        assertTrue(SignalCheck.problem(result(2.3, 0.1, Double.POSITIVE_INFINITY), 1e-4).orElseThrow()
                .contains("gradient at initialization is Infinity at site 2"));
        assertTrue(SignalCheck.problem(result(2.302585, 0, 0, 0), 1e-4).orElseThrow().startsWith("no gradient reaches any norm-act site"));
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 0.3, 0), 1e-4),
                "a gradient that fades toward the loss is not what this screen looks for");
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3), 1e-4), "no sites, nothing to judge");
        // The upper bound: a gradient that explodes toward the input.
        assertTrue(SignalCheck.problem(result(2.3, 500, 3, 0.01), 1e-4, 1e4).orElseThrow()
                .startsWith("gradient at the first norm-act site is 5.0e+04 times that at the last at initialization (above 1.0e+04)"));
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 500, 3, 0.01), 1e-4, 0), "0: no upper bound");
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 50, 0.01), 1e-4, 1e4), "half the bound passes");
        assertEquals(Optional.empty(), SignalCheck.problem(result(2.3, 0.3, 0), 1e-4, 1e4), "no gradient at the last site: nothing to compare");
    }

    private static EvaluationPipeline.Settings twoArchitectures(boolean signalOnQualityArchs) {
        TrainConfig training = TrainConfig.defaults().withSteps(20).withBatchSize(32);
        return new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, ScreeningTest.OPTIONS,
                List.of(RESNET, Architectures.byName("mobilenetv2")), ScreeningTest.ARCH, training, 10, 0.2, 100, true, false,
                QualityCheck.CHECKPOINT, null, FunctionalHash.TRAINING, SignalCheck.DEFAULT_MIN_GRADIENT_RATIO,
                signalOnQualityArchs, SignalCheck.DEFAULT_MAX_GRADIENT_RATIO);
    }

    @Test
    void everyArchitectureOfTheQualityProtocolIsScreenedWhenAsked() {
        // An instance variance alone (runs19 #60): signal flows in the ResNet, none in MobileNetV2.
        LayerGraph variance = g("{\"op\": \"var_hw\", \"in\": [0]}");
        Verdict both = new EvaluationPipeline(twoArchitectures(true), ScreeningTest.DATA, (hash, id) -> java.util.OptionalLong.empty())
                .evaluate(variance, 1);
        assertEquals(Stage.SIGNAL, both.stage(), both.reason());
        assertTrue(both.reason().startsWith("mobilenetv2: "), both.reason());
        Verdict first = new EvaluationPipeline(twoArchitectures(false), ScreeningTest.DATA, (hash, id) -> java.util.OptionalLong.empty())
                .evaluate(variance, 1);
        assertTrue(first.stage() != Stage.SIGNAL, "screened on the first architecture only, it reaches the training stages: " + first.reason());
        assertTrue(first.stageSeconds().containsKey("quality"), first.toString());
    }

    @Test
    void layersThatLearnPassAndLayersWithoutSignalAreRejected() {
        // Normalizers and activations that train pass.
        for (LayerGraph good : List.of(PublishedGraphs.B0, PublishedGraphs.S0, g("{\"op\": \"tanh\", \"in\": [0]}"),
                g("{\"op\": \"max\", \"in\": [0, 1]}"))) {
            assertEquals(Optional.empty(), check(good), good.toString());
        }
        // A variance of a variance is constant per channel: nothing of x gets through, nor does a gradient.
        String varOfVar = check(g("{\"op\": \"var_hw\", \"in\": [0]}, {\"op\": \"var_hwg\", \"in\": [4]}")).orElseThrow();
        assertTrue(varOfVar.startsWith("resnet: "), varOfVar);
        // x·v0 with v0 = 0 at initialization: every site outputs zeros and passes no gradient back.
        assertTrue(check(g("{\"op\": \"mul\", \"in\": [0, 2]}")).orElseThrow().contains("no gradient reaches any norm-act site"));
    }

    @Test
    void thePipelineRecordsTheStageAndSkipsTheQualityProtocol() {
        TrainConfig training = TrainConfig.defaults().withSteps(20).withBatchSize(32);
        EvaluationPipeline.Settings settings = new EvaluationPipeline.Settings(SearchSpace.BATCH_DEPENDENT, ScreeningTest.OPTIONS,
                List.of(RESNET), ScreeningTest.ARCH, training, 10, 0.2, 100, false, false, QualityCheck.SEPARATE, null,
                FunctionalHash.TRAINING, SignalCheck.DEFAULT_MIN_GRADIENT_RATIO);
        EvaluationPipeline pipeline = new EvaluationPipeline(settings, ScreeningTest.DATA, (hash, id) -> java.util.OptionalLong.empty());
        Verdict silent = pipeline.evaluate(g("{\"op\": \"mul\", \"in\": [0, 2]}"), 1);
        assertEquals(Stage.SIGNAL, silent.stage(), silent.reason());
        assertTrue(silent.stageSeconds().containsKey("signal"));
        assertTrue(!silent.stageSeconds().containsKey("quality"), "the quality protocol never ran");
        Verdict tanh = pipeline.evaluate(g("{\"op\": \"tanh\", \"in\": [0]}"), 2);
        assertEquals(Stage.ACCEPTED, tanh.stage(), tanh.reason());
        assertTrue(tanh.stageSeconds().containsKey("signal") && tanh.stageSeconds().containsKey("quality"));
    }
}

package dev.evonorm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.PairList;
import dev.evonorm.data.DataSplits;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.layers.Layers;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architectures;
import org.junit.jupiter.api.Test;

class ProxyTrainerTest {
    static final DataSplits DATA = SyntheticData.splits(1024, 256, 3);
    static final ArchConfig ARCH = new ArchConfig(1, SyntheticData.SIDE, 10, 0.5, 1.0);

    private static TrainConfig config(int steps) {
        return TrainConfig.defaults().withSteps(steps).withBatchSize(32).withPeakLearningRate(0.1f).withSeed(5);
    }

    @Test
    void learnsTheSyntheticTaskAndIsDeterministic() {
        TrainResult a = ProxyTrainer.train(Architectures.byName("resnet"), ARCH, Layers.factory("bn-relu"), DATA, config(60));
        TrainResult b = ProxyTrainer.train(Architectures.byName("resnet"), ARCH, Layers.factory("bn-relu"), DATA, config(60));
        TrainResult.Trained t = assertInstanceOf(TrainResult.Trained.class, a);
        assertTrue(t.accuracy() > 0.8, "accuracy " + t.accuracy());
        assertEquals(60, t.losses().length);
        assertTrue(t.losses()[59] < t.losses()[0], "loss falls");
        assertEquals(t.accuracy(), ((TrainResult.Trained) b).accuracy(), "same seed, same result");
        assertArrayEquals(t.losses(), b.losses());
        assertEquals(60, t.timings().stepsDone());
    }

    @Test
    void aLayerThatProducesNaNIsAFailureNotAnException() {
        // x / 0 is ±∞ or NaN everywhere.
        var layer = Layers.graph(GraphJson.parse("{\"nodes\": [{\"op\": \"div\", \"in\": [0, 1]}]}"),
                dev.evonorm.layers.LayerOptions.defaults());
        TrainResult r = ProxyTrainer.train(Architectures.byName("resnet"), ARCH, layer, DATA, config(10));
        TrainResult.Failed f = assertInstanceOf(TrainResult.Failed.class, r);
        assertEquals(TrainResult.FailureKind.NON_FINITE_LOSS, f.kind());
        assertTrue(f.reason().contains("step 1"), f.reason());
    }

    @Test
    void divergenceIsDetected() {
        TrainConfig hot = new TrainConfig(30, 32, 50f, 1, 0.9f, 0f, 256, 1e3f, 1);
        TrainResult r = ProxyTrainer.train(Architectures.byName("resnet"), ARCH, Layers.factory("relu"), DATA, hot);
        TrainResult.Failed f = assertInstanceOf(TrainResult.Failed.class, r);
        assertTrue(f.kind() == TrainResult.FailureKind.DIVERGED || f.kind() == TrainResult.FailureKind.NON_FINITE_LOSS, f.toString());
    }

    @Test
    void scheduleWarmsUpThenDecaysToZero() {
        LearningRateSchedule s = new LearningRateSchedule(0.2f, 10, 100);
        assertEquals(0.02f, s.rate(0), 1e-6);
        assertEquals(0.2f, s.rate(9), 1e-6);
        assertEquals(0.2f, s.rate(10), 1e-6);
        assertEquals(0.1f, s.rate(55), 1e-3);
        assertTrue(s.rate(99) < 0.001f);
    }

    @Test
    void weightDecaySkipsNormalizationParametersAndBiases() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(4).build();
            linear.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 3));
            var norm = Layers.factory("evonorm-s0").create(8, dev.evonorm.layers.NormPosition.NORM_ACT);
            norm.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 8, 4, 4));
            PairList<String, Parameter> all = new PairList<>();
            all.addAll(linear.getParameters());
            all.addAll(norm.getParameters());
            try (SgdMomentum sgd = new SgdMomentum(all, 0.9f, 5e-4f)) {
                assertEquals(1, sgd.decayedCount(), "only the linear kernel is decayed");
                assertTrue(sgd.parameterCount() >= 4);
            }
        }
    }
}

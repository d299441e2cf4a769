package dev.evonorm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.data.DataSplits;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
    static final DataSplits DATA = ProxyTrainerTest.DATA;
    static final ArchConfig ARCH = ProxyTrainerTest.ARCH;
    static final TrainConfig CONFIG = TrainConfig.defaults().withSteps(30).withBatchSize(32).withPeakLearningRate(0.1f).withSeed(9);

    @Test
    void stoppingToScoreAndGoingOnEndsExactlyWhereOneUninterruptedTrainingDoes() {
        // A batch-dependent graph layer: its running statistics must not move while it is scored.
        NormActFactory layer = Layers.graph(PublishedGraphs.B0, LayerOptions.defaults());
        Architecture arch = Architectures.byName("resnet");
        TrainResult.Trained whole = assertInstanceOf(TrainResult.Trained.class, ProxyTrainer.train(arch, ARCH, layer, DATA, CONFIG));

        List<Integer> steps = new ArrayList<>();
        try (TrainingRun run = TrainingRun.start(arch, ARCH, layer, DATA, CONFIG)) {
            assertTrue(run.trainTo(12, steps::add).isEmpty());
            assertEquals(12, run.stepsDone());
            TrainResult.Trained early = assertInstanceOf(TrainResult.Trained.class, run.score(DATA.validation()));
            assertEquals(12, early.losses().length);
            assertArrayEquals(java.util.Arrays.copyOf(whole.losses(), 12), early.losses(), "the same first steps");
            assertNotEquals(whole.accuracy(), early.accuracy(), "scored part-way, not at the end");
            // Scored twice: scoring changes nothing about the network.
            TrainResult.Trained again = assertInstanceOf(TrainResult.Trained.class, run.score(DATA.validation()));
            assertEquals(early.accuracy(), again.accuracy());

            TrainResult.Trained end = assertInstanceOf(TrainResult.Trained.class, run.finish(DATA, steps::add));
            assertArrayEquals(whole.losses(), end.losses(), "every loss bit-identical");
            assertEquals(whole.accuracy(), end.accuracy());
            assertEquals(whole.validationLoss(), end.validationLoss());
            assertEquals(30, end.timings().stepsDone());
        }
        assertEquals(30, steps.size());
        assertEquals(1, steps.get(0));
        assertEquals(13, steps.get(12), "progress counts on from where the run stopped");
    }

    @Test
    void aFailedRunStaysFailed() {
        NormActFactory nan = Layers.graph(GraphJson.parse("{\"nodes\": [{\"op\": \"div\", \"in\": [0, 1]}]}"), LayerOptions.defaults());
        try (TrainingRun run = TrainingRun.start(Architectures.byName("resnet"), ARCH, nan, DATA, CONFIG)) {
            TrainResult.Failed f = run.trainTo(10, s -> { }).orElseThrow();
            assertEquals(TrainResult.FailureKind.NON_FINITE_LOSS, f.kind());
            assertEquals(1, run.stepsDone(), "stopped at the first step");
            assertSame(f, run.score(DATA.validation()));
            assertSame(f, run.finish(DATA, s -> { }));
            assertSame(f, run.failure().orElseThrow());
        }
    }

    @Test
    void cannotTrainPastItsConfiguredSteps() {
        try (TrainingRun run = TrainingRun.start(Architectures.byName("resnet"), ARCH, Layers.factory("bn-relu"), DATA, CONFIG)) {
            assertThrows(IllegalArgumentException.class, () -> run.trainTo(31, s -> { }));
        }
    }
}

package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Running statistics are used at inference and move in training; 100 training steps leak nothing. */
class RunningStatisticsAndLeaksTest {
    private static final Shape SHAPE = new Shape(4, 8, 6, 6);

    @ParameterizedTest
    @ValueSource(strings = {"evonorm-b0", "evonorm-b0-graph", "evonorm-b0-timm"})
    void inferenceUsesRunningStatisticsSoSamplesAreIndependent(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Harness.initialized(Layers.factory(name).create(8, NormPosition.NORM_ACT), manager, SHAPE);
            Random rng = new Random(3);
            int size = (int) SHAPE.size();
            String runningName = name.contains("graph") ? "running_var_4" : "running_var";
            float[] before = Harness.get(block, runningName);
            for (int i = 0; i < 5; i++) {
                double[] x = Harness.uniform(rng, size, -3, 3);
                Harness.forward(block, manager, x, SHAPE, true);
            }
            float[] after = Harness.get(block, runningName);
            assertNotEquals(before[0], after[0], name + ": running variance did not move in training");
            // Uniform(-3,3) has variance 3: after 5 steps of decay 0.9, r = 0.9⁵·1 + (1 − 0.9⁵)·≈3.
            assertEquals(0.59 + 0.41 * 3 * (name.endsWith("timm") ? 144.0 / 143.0 : 1.0), after[0], 0.15);

            double[] x = Harness.uniform(rng, size, -3, 3);
            double[] y = x.clone();
            int perSample = size / 4;
            for (int i = perSample; i < size; i++) {
                y[i] = 10 * y[i] + 1;
            }
            float[] a = Harness.forward(block, manager, x, SHAPE, false);
            float[] b = Harness.forward(block, manager, y, SHAPE, false);
            assertArrayEquals(Arrays.copyOf(a, perSample), Arrays.copyOf(b, perSample), 1e-6f,
                    name + ": at inference sample 0 depends on the other samples");
            float[] trainingA = Harness.forward(block, manager, x, SHAPE, true);
            float[] trainingB = Harness.forward(block, manager, y, SHAPE, true);
            assertTrue(Math.abs(trainingA[0] - trainingB[0]) > 1e-4,
                    name + ": in training sample 0 should depend on the batch statistics");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"evonorm-b0", "evonorm-b0-graph", "evonorm-s0", "evonorm-s0-graph", "gn-relu", "frn-tlu", "bn-relu", "evonorm-b1-graph"})
    void hundredTrainingStepsLeakNothing(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Harness.initialized(Layers.factory(name).create(8, NormPosition.NORM_ACT), manager, SHAPE);
            int afterWarmUp = 0;
            for (int step = 0; step < 100; step++) {
                trainingStep(block, manager, step);
                if (step == 4) {
                    afterWarmUp = live(manager);
                }
            }
            assertEquals(afterWarmUp, live(manager), name + ": live arrays grew over 95 training steps");
        }
    }

    /** Arrays owned by the manager and its open sub-managers. */
    private static int live(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    /** Forward, backward and an SGD update, the way a trainer does it, temporaries in a sub-manager. */
    private static void trainingStep(Block block, NDManager manager, int seed) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.randomNormal(0f, 2f, SHAPE, ai.djl.ndarray.types.DataType.FLOAT32);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = block.forward(new ParameterStore(step, false), new NDList(x), true).singletonOrThrow();
                collector.backward(y.mul(y).sum());
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray array = p.getValue().getArray();
                if (p.getValue().requiresGradient()) {
                    try (NDArray grad = array.getGradient()) {
                        NDArray update = grad.mul(1e-3f);
                        update.attach(step);
                        array.subi(update);
                        grad.subi(grad);
                    }
                }
            }
        }
    }
}

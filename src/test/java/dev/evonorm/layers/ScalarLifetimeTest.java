package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DJL's PyTorch engine implements {@code x.div(2)}, {@code x.mul(2)}, {@code x.pow(-1)} and
 * {@code x.maximum(0)} by wrapping the number in a tensor over a Java direct buffer (no copy) and
 * closing that tensor as soon as the op returns. Autograd keeps the wrapped tensor for the backward
 * pass, but not the buffer: a garbage collection between forward and backward frees the memory and
 * the backward reads whatever lands there. In training this showed as a run that is bit-identical
 * to its twin for 47 steps and then has a NaN loss, depending on when the JVM happened to collect.
 *
 * <p>Here the collection is forced and the freed memory refilled with NaN between forward and
 * backward; every layer's gradients must come out exactly as without the disturbance.
 */
class ScalarLifetimeTest {
    private static final Shape SHAPE = new Shape(4, 8, 5, 5);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"evonorm-b0", "evonorm-b0-graph", "evonorm-s0", "evonorm-s0-graph", "evonorm-b1",
        "evonorm-s2", "gn-relu", "in-relu", "ln-relu", "frn-tlu"})
    void gradientsSurviveACollectionBetweenForwardAndBackward(String name) throws InterruptedException {
        Block block = Harness.initialized(Layers.factory(name, LayerOptions.defaults().withGroups(GroupSpec.exactly(4)))
                .create((int) SHAPE.get(1), NormPosition.NORM_ACT), manager, SHAPE);
        float[] x = Harness.toFloat(Harness.uniform(new Random(name.hashCode()), (int) SHAPE.size(), -2, 2));
        float[] quiet = inputGradient(block, x, false);
        float[] disturbed = inputGradient(block, x, true);
        for (float v : disturbed) {
            assertTrue(Float.isFinite(v), name + ": a non-finite gradient after a collection");
        }
        assertArrayEquals(quiet, disturbed, name + ": the gradient changed when memory was collected before backward");
    }

    private static float[] inputGradient(Block block, float[] x, boolean collectBeforeBackward) throws InterruptedException {
        Harness.zeroGradients(block);
        try (NDManager step = manager.newSubManager()) {
            NDArray input = step.create(x, SHAPE);
            input.setRequiresGradient(true);
            ParameterStore store = new ParameterStore(step, false);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = block.forward(store, new NDList(input), true).singletonOrThrow();
                NDArray loss = y.sum();
                List<ByteBuffer> refill = collectBeforeBackward ? MemoryChurn.collectAndRefill() : List.of();
                collector.backward(loss);
                Reference.reachabilityFence(refill);
            }
            return input.getGradient().toFloatArray();
        }
    }

}

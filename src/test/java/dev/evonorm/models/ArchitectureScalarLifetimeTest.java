package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.MemoryChurn;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The networks' own arithmetic (squeeze-excite pooling and gates, residual sums) survives a garbage
 * collection between forward and backward: see EngineScalars and ScalarLifetimeTest for why that
 * is not a given with DJL. BN-ReLU as the norm-act layer isolates the architecture's part.
 */
class ArchitectureScalarLifetimeTest {
    private static final ArchConfig CONFIG = new ArchConfig(1, 28, 10, 0.5, 1.0);

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenetv2", "efficientnet", "mnasnet"})
    void inputGradientSurvivesACollection(String name) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Block block = ModelHarness.initialized(Architectures.byName(name).build(Layers.factory("bn-relu"), CONFIG), CONFIG, 4, manager);
            NDArray input = manager.randomNormal(CONFIG.inputShape(4));
            assertArrayEquals(inputGradient(block, input, manager, false), inputGradient(block, input, manager, true),
                    name + ": the input gradient changed when memory was collected before backward");
        }
    }

    private static float[] inputGradient(Block block, NDArray input, NDManager manager, boolean churn) throws InterruptedException {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(step);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = ModelHarness.forward(block, x, true, step).sum();
                List<ByteBuffer> refill = churn ? MemoryChurn.collectAndRefill() : List.of();
                collector.backward(loss);
                Reference.reachabilityFence(refill);
            }
            return x.getGradient().toFloatArray();
        }
    }
}

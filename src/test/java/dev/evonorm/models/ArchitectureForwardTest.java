package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.evonorm.layers.NormActFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitectureForwardTest {
    private static final int BATCH = 4;

    static Stream<Arguments> architecturesAndInputs() {
        List<ArchConfig> inputs = List.of(
                ArchConfig.fashionMnist(),
                ArchConfig.cifar10(),
                ArchConfig.fashionMnist().withInputSize(14),
                ArchConfig.cifar10().withInputSize(16));
        List<Arguments> cases = new ArrayList<>();
        for (String name : Architectures.names()) {
            for (ArchConfig input : inputs) {
                cases.add(Arguments.of(name, input));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("architecturesAndInputs")
    void forwardGivesOneLogitPerClassWithBatchNormRelu(String name, ArchConfig config) {
        assertLogitsShape(name, config, TestNormActFactories.batchNormRelu());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("architecturesAndInputs")
    void forwardGivesFiniteLogitsWithoutNormalization(String name, ArchConfig config) {
        assertLogitsShape(name, config, TestNormActFactories.noNormalization());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void classCountIsHonoured(String name) {
        assertLogitsShape(name, new ArchConfig(3, 16, 7, 1.0, 1.0), TestNormActFactories.batchNormRelu());
    }

    private static void assertLogitsShape(String name, ArchConfig config, NormActFactory factory) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ModelHarness.initialized(
                    Architectures.byName(name).build(factory, config), config, BATCH, manager);
            Shape expected = new Shape(BATCH, config.classes());
            assertArrayEquals(new Shape[] {expected}, block.getOutputShapes(new Shape[] {config.inputShape(BATCH)}),
                    "declared output shape");
            for (boolean training : new boolean[] {true, false}) {
                NDArray logits = ModelHarness.forward(block, manager.randomNormal(config.inputShape(BATCH)), training,
                        manager);
                assertEquals(expected, logits.getShape(), "training=" + training);
                assertTrue(logits.isInfinite().logicalOr(logits.isNaN()).none().getBoolean(),
                        "logits must be finite, training=" + training);
            }
        }
    }
}

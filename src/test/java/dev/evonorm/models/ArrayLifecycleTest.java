package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A forward pass leaves nothing behind in the model's manager: every intermediate array belongs to
 * the caller's sub-manager and dies with it, in training mode (running statistics update) too.
 */
class ArrayLifecycleTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void repeatedForwardPassesDoNotGrowTheModelsArrays(String name) {
        ArchConfig config = ArchConfig.cifar10().withInputSize(16);
        try (NDManager modelManager = NDManager.newBaseManager()) {
            Block block = ModelHarness.initialized(
                    Architectures.byName(name).build(TestNormActFactories.batchNormRelu(), config), config, 8,
                    modelManager);
            int before = modelManager.getManagedArrays().size();
            assertTrue(before > 0, "parameters live in the model's manager");
            for (int pass = 0; pass < 3; pass++) {
                NDArray logits;
                try (NDManager passManager = modelManager.newSubManager()) {
                    logits = ModelHarness.forward(block, passManager.randomNormal(config.inputShape(8)), pass % 2 == 0,
                            passManager);
                    assertTrue(passManager.getManagedArrays().size() > 1, "intermediates live in the pass's manager");
                }
                assertTrue(logits.isReleased(), "the pass's arrays are closed with its manager");
                assertEquals(before, modelManager.getManagedArrays().size(), "after pass " + pass);
            }
        }
    }
}

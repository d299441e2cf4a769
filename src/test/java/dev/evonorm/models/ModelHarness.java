package dev.evonorm.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Builds, initializes and runs a network the way the tests need it. */
final class ModelHarness {
    private ModelHarness() {
    }

    /** Initializes {@code block} for batches of {@code batch} inputs of {@code config}, in {@code manager}. */
    static Block initialized(Block block, ArchConfig config, int batch, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, config.inputShape(batch));
        return block;
    }

    /** Builds and initializes a network and returns its trainable parameter count. */
    static long parameters(String architecture, ArchConfig config) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Architectures.byName(architecture).build(TestNormActFactories.batchNormRelu(), config);
            return ParameterCount.of(initialized(block, config, 2, manager));
        }
    }

    /** Forward pass whose intermediate arrays live in {@code manager}. */
    static NDArray forward(Block block, NDArray input, boolean training, NDManager manager) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), training).singletonOrThrow();
    }
}

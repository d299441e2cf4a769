package dev.evonorm.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code x + branch(x)} for a branch that keeps the shape (an inverted residual with stride 1). */
public final class ResidualAdd extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block branch;

    ResidualAdd(Block branch) {
        super(VERSION);
        this.branch = addChildBlock("branch", branch);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = branch.forward(store, inputs, training, params);
        return new NDList(out.singletonOrThrow().add(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        branch.initialize(manager, dataType, inputShapes);
    }
}

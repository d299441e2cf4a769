package dev.evonorm.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Squeeze-and-excitation: global average pool → 1×1 conv (reduce) → activation → 1×1 conv (expand)
 * → sigmoid, multiplied into the input channel by channel.
 *
 * <p>The gate's activations belong to the attention mechanism, not to a normalization, so they are
 * fixed here and never replaced by the layer under test.
 */
public final class SqueezeExcite extends AbstractBlock {
    private static final byte VERSION = 1;

    /** The activation between the two gate convolutions. */
    public enum GateActivation {
        /** EfficientNet's choice. */
        SWISH,
        /** MnasNet's choice. */
        RELU
    }

    private final Block reduce;
    private final Block expand;
    private final GateActivation activation;

    SqueezeExcite(int channels, int reducedChannels, GateActivation activation) {
        super(VERSION);
        this.reduce = addChildBlock("reduce", gateConv(reducedChannels));
        this.expand = addChildBlock("expand", gateConv(channels));
        this.activation = activation;
    }

    private static Block gateConv(int outChannels) {
        // The gate has no norm after it, so its convolutions keep their bias.
        return Conv2d.builder().setFilters(outChannels).setKernelShape(new Shape(1, 1)).optBias(true).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long pixels = x.getShape().get(2) * x.getShape().get(3);
        // sum/count rather than mean: a mean over two axes throws on the PyTorch engine.
        NDArray pooled = dev.evonorm.layers.EngineScalars.divide(x.sum(new int[] {2, 3}, true), pixels);
        NDArray hidden = reduce.forward(store, new NDList(pooled), training, params).singletonOrThrow();
        // x·σ(x) written out: DJL's Activation.swish multiplies by its β as a number (see EngineScalars).
        hidden = activation == GateActivation.SWISH ? hidden.mul(Activation.sigmoid(hidden)) : Activation.relu(hidden);
        NDArray gate = expand.forward(store, new NDList(hidden), training, params).singletonOrThrow();
        return new NDList(x.mul(Activation.sigmoid(gate)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        Shape pooled = new Shape(input.get(0), input.get(1), 1, 1);
        reduce.initialize(manager, dataType, pooled);
        expand.initialize(manager, dataType, reduce.getOutputShapes(new Shape[] {pooled}));
    }
}

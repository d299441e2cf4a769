package dev.evonorm.screen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A norm-act block with a window on it: runs the block unchanged and hands what it saw to the
 * probe's list — the input Z (the convolution output or residual stream the layer receives), the
 * output, and a zero tensor added to Z whose gradient after the backward pass is ∂L/∂Z. (The engine
 * keeps gradients of leaves only; x + 0 with the 0 a leaf gives the gradient at an inner point
 * without cutting the graph.)
 */
final class SiteProbe extends AbstractBlock {
    private static final byte VERSION = 1;

    /** What one forward pass through the site held; arrays live on the caller's batch manager. */
    record Seen(SiteProbe site, NDArray input, NDArray output, NDArray zeroLeaf) {
    }

    private final Block inner;
    private final String site;
    private final int channels;
    private final List<Seen> seen;

    SiteProbe(Block inner, String site, int channels, List<Seen> seen) {
        super(VERSION);
        this.inner = addChildBlock("layer", inner);
        this.site = site;
        this.channels = channels;
        this.seen = seen;
    }

    /** Where the architecture placed the block; null when it did not say. */
    String site() {
        return site;
    }

    int channels() {
        return channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray zero = x.zerosLike();
        zero.setRequiresGradient(true);
        NDArray z = x.add(zero);
        NDList out = inner.forward(parameterStore, new NDList(z), training, params);
        seen.add(new Seen(this, z.stopGradient(), out.singletonOrThrow().stopGradient(), zero));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inner.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
    }
}

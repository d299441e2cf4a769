package dev.evonorm.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Pre-activation basic block (He et al. 2016, "Identity Mappings"): norm-act → 3×3 conv →
 * norm-act → 3×3 conv, added to a shortcut.
 *
 * <p>When the block changes shape, the 1×1 projection shortcut reads the <em>pre-activated</em>
 * input, as in the reference implementation; when it does not, the shortcut is the raw input, so the
 * identity path carries no normalization at all — the property the paper's ResNet relies on.
 */
public final class PreActBasicBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block preNormAct;
    private final Block firstConv;
    private final Block midNormAct;
    private final Block secondConv;
    /** Null when the shortcut is the identity. */
    private final Block projection;

    PreActBasicBlock(Block preNormAct, Block midNormAct, int inChannels, int outChannels, int stride) {
        super(VERSION);
        this.preNormAct = addChildBlock("preNormAct", preNormAct);
        this.firstConv = addChildBlock("conv1", Convolutions.dense(outChannels, 3, stride));
        this.midNormAct = addChildBlock("midNormAct", midNormAct);
        this.secondConv = addChildBlock("conv2", Convolutions.dense(outChannels, 3, 1));
        boolean reshapes = stride != 1 || inChannels != outChannels;
        this.projection = reshapes
                ? addChildBlock("projection", Convolutions.dense(outChannels, 1, stride))
                : null;
    }

    /** True when the shortcut is a 1×1 convolution rather than the identity. */
    public boolean hasProjection() {
        return projection != null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList preActivated = preNormAct.forward(store, inputs, training, params);
        NDList shortcut = projection == null
                ? inputs
                : projection.forward(store, preActivated, training, params);
        NDList branch = firstConv.forward(store, preActivated, training, params);
        branch = midNormAct.forward(store, branch, training, params);
        branch = secondConv.forward(store, branch, training, params);
        return new NDList(branch.singletonOrThrow().add(shortcut.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return secondConv.getOutputShapes(firstConv.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        preNormAct.initialize(manager, dataType, inputShapes);
        if (projection != null) {
            projection.initialize(manager, dataType, inputShapes);
        }
        firstConv.initialize(manager, dataType, inputShapes);
        Shape[] inner = firstConv.getOutputShapes(inputShapes);
        midNormAct.initialize(manager, dataType, inner);
        secondConv.initialize(manager, dataType, inner);
    }
}

package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Base of this package's NCHW blocks whose parameters are all per-channel vectors of length C:
 * declares them, sizes them from the input in {@link #prepare}, and hands them to the forward pass
 * as (1,C,1,1) views owned by the input's manager. The last point matters: an op whose first
 * operand is a parameter would otherwise attach its result to the model's manager, which lives as
 * long as the model — a leak of one array per op per step.
 */
abstract class ChannelBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    protected ChannelBlock() {
        super(VERSION);
    }

    /** A trainable per-channel vector with a constant initial value. */
    protected Parameter trainable(String name, float initialValue) {
        Parameter.Type type = initialValue == 0f ? Parameter.Type.BETA : Parameter.Type.GAMMA;
        Initializer init = initialValue == 0f ? Initializer.ZEROS
                : initialValue == 1f ? Initializer.ONES
                : (manager, shape, dataType) -> manager.full(shape, initialValue, dataType);
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init).build());
    }

    /**
     * A non-trainable per-channel running statistic. It is a parameter so that saving the block saves
     * it; the optimizer skips it because it does not require a gradient.
     */
    protected Parameter runningStatistic(String name, boolean variance) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(variance ? Parameter.Type.RUNNING_VAR : Parameter.Type.RUNNING_MEAN)
                .optInitializer(variance ? Initializer.ONES : Initializer.ZEROS)
                .optRequiresGrad(false)
                .build());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape input = inputShapes[0];
        if (input.dimension() != 4) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs an NCHW input, got shape " + input);
        }
        checkChannels((int) input.get(1));
        for (Parameter p : parameters.values()) {
            p.setShape(new Shape(input.get(1)));
        }
    }

    /** Fails with a one-line message when the layer cannot serve this channel count. */
    protected void checkChannels(int channels) {
    }

    /** The parameter's value as a (1,C,1,1) view attached to {@code like}'s manager. */
    protected static NDArray perChannel(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        NDArray value = store.getValue(parameter, like.getDevice(), training);
        NDArray view = value.reshape(1, value.size(), 1, 1);
        view.attach(like.getManager());
        return view;
    }
}

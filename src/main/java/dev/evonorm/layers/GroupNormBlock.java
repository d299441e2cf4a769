package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * GroupNorm, LayerNorm (over C,H,W) and InstanceNorm — one normalization over (h,w, channels of a
 * group) with a per-channel affine, optionally followed by ReLU:
 * {@code (x − μ_g)/√(σ²_g + eps)·γ + β}. LayerNorm is one group, InstanceNorm one group per channel.
 * No running statistics: none of them depends on the batch.
 */
public class GroupNormBlock extends ChannelBlock {

    /** How the channels are grouped. */
    public enum Kind { GROUP, LAYER, INSTANCE }

    private final Kind kind;
    private final LayerOptions options;
    private final boolean relu;
    private final Parameter gamma = trainable("gamma", 1f);
    private final Parameter beta = trainable("beta", 0f);

    public GroupNormBlock(Kind kind, LayerOptions options, boolean relu) {
        this.kind = kind;
        this.options = options;
        this.relu = relu;
    }

    int groupsFor(int channels) {
        return switch (kind) {
            case GROUP -> options.groups().groupsFor(channels);
            case LAYER -> 1;
            case INSTANCE -> channels;
        };
    }

    @Override
    protected void checkChannels(int channels) {
        groupsFor(channels);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int groups = groupsFor((int) x.getShape().get(1));
        Moments moments = new Moments(x);
        NDArray mean = Moments.overGroups(moments.mean(), groups);
        NDArray var = Moments.variance(mean, Moments.overGroups(moments.meanOfSquares(), groups));
        // (x − μ)/σ·γ + β = x·(γ/σ) + (β − μ·γ/σ): one fused per-(n,c) pass.
        NDArray scale = perChannel(store, gamma, x, training).div(var.add((float) options.eps()).sqrt());
        NDArray shift = perChannel(store, beta, x, training).sub(mean.mul(scale));
        NDArray y = ChannelAffine.apply(x, scale, shift);
        return new NDList(relu ? y.getNDArrayInternal().relu() : y);
    }
}

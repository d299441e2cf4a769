package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Only the per-channel affine x·γ + β: an EvoNorm or graph layer at a NORM_ONLY position (official). */
public class AffineBlock extends ChannelBlock {
    private final Parameter gamma = trainable("gamma", 1f);
    private final Parameter beta = trainable("beta", 0f);

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(ChannelAffine.apply(x, perChannel(store, gamma, x, training), perChannel(store, beta, x, training)));
    }
}

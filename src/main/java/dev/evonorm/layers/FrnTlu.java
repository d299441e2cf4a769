package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Filter Response Normalization with a Thresholded Linear Unit (Singh & Krishnan 2020):
 * {@code y = γ·x/√(μ_{h,w}(x²) + eps) + β}, {@code out = max(y, τ)} with per-channel τ (init 0).
 * Without the TLU (a NORM_ONLY position) it is y.
 */
public class FrnTlu extends ChannelBlock {
    private final LayerOptions options;
    private final boolean tlu;
    private final Parameter gamma = trainable("gamma", 1f);
    private final Parameter beta = trainable("beta", 0f);
    private final Parameter tau;

    public FrnTlu(LayerOptions options, boolean tlu) {
        this.options = options;
        this.tlu = tlu;
        this.tau = tlu ? trainable("tau", 0f) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray nu2 = new Moments(x).meanOfSquares();
        NDArray scale = perChannel(store, gamma, x, training).div(nu2.add((float) options.eps()).sqrt());
        NDArray y = ChannelAffine.apply(x, scale, perChannel(store, beta, x, training));
        return new NDList(tlu ? y.maximum(perChannel(store, tau, x, training)) : y);
    }
}

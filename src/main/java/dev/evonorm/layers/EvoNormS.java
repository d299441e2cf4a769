package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EvoNorm-S0, S1 and S2 written by hand (REFERENCE.md §2), official semantics:
 *
 * <pre>
 *   S0: x·σ(v1·x) / √(s²_{h,w,c/g}(x)+eps) · γ + β
 *   S1: x·σ(x)    / √(s²_{h,w,c/g}(x)+eps) · γ + β
 *   S2: x·σ(x)    / √μ_{h,w,c/g}(x²)       · γ + β     (paper: no eps)
 * </pre>
 *
 * Modes: {@link Mode#FULL}; {@link Mode#NORMALIZE} (timm's "a" variants without activation:
 * x / group statistic · γ + β); {@link Mode#AFFINE} (official NORM_ONLY: x·γ + β).
 *
 * <p>By default the layer runs as one fused native kernel with its own backward ({@link NativeKernels})
 * when that is loaded; otherwise, or when built with {@code fusedKernels = false}, it composes DJL's
 * ops: the division by the per-(n,c) group statistic and the γ/β affine fold into one per-(n,c)
 * scale γ/d and shift β, applied in one fused pass; the statistics cost one sum and one sum of products.
 */
public class EvoNormS extends ChannelBlock {

    /** The member of the family. */
    public enum Variant { S0, S1, S2 }

    /** What the block computes (see the class comment). */
    public enum Mode { FULL, NORMALIZE, AFFINE }

    private final Variant variant;
    private final LayerOptions options;
    private final Mode mode;
    private final Parameter v1;
    private final Parameter gamma;
    private final Parameter beta;
    private final boolean fusedKernels;

    public EvoNormS(Variant variant, LayerOptions options, Mode mode) {
        this(variant, options, mode, true);
    }

    /** @param fusedKernels false to compose DJL's ops even where the native kernels are loaded */
    public EvoNormS(Variant variant, LayerOptions options, Mode mode, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.variant = variant;
        this.options = options;
        this.mode = mode;
        this.v1 = mode == Mode.FULL && variant == Variant.S0 ? trainable("v1", 1f) : null;
        this.gamma = trainable("gamma", 1f);
        this.beta = trainable("beta", 0f);
    }

    public Variant variant() {
        return variant;
    }

    @Override
    protected void checkChannels(int channels) {
        if (mode != Mode.AFFINE) {
            options.groups().groupsFor(channels);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = perChannel(store, gamma, x, training);
        NDArray b = perChannel(store, beta, x, training);
        if (mode == Mode.AFFINE) {
            return new NDList(ChannelAffine.apply(x, g, b));
        }
        int groups = options.groups().groupsFor((int) x.getShape().get(1));
        if (fusedKernels && NativeKernels.accepts(x)) {
            NativeKernels.Gate gate = mode == Mode.NORMALIZE ? NativeKernels.Gate.NONE
                    : variant == Variant.S0 ? NativeKernels.Gate.SCALED : NativeKernels.Gate.SELF;
            NDArray v = gate == NativeKernels.Gate.SCALED ? perChannel(store, v1, x, training) : null;
            return new NDList(NativeKernels.evoNormS(x, v, g, b, groups, options.eps(), gate, variant == Variant.S2));
        }
        Moments moments = new Moments(x);
        NDArray meanOfSquares = Moments.overGroups(moments.meanOfSquares(), groups);
        NDArray denominator = variant == Variant.S2
                ? meanOfSquares.sqrt()
                : Moments.variance(Moments.overGroups(moments.mean(), groups), meanOfSquares)
                        .add((float) options.eps()).sqrt();
        NDArray scale = g.div(denominator);
        NDArray numerator = x;
        if (mode == Mode.FULL) {
            NDArray gate = variant == Variant.S0
                    ? ChannelAffine.apply(x, perChannel(store, v1, x, training), null).getNDArrayInternal().sigmoid()
                    : x.getNDArrayInternal().sigmoid();
            numerator = x.mul(gate);
        }
        return new NDList(ChannelAffine.apply(numerator, scale, b));
    }
}

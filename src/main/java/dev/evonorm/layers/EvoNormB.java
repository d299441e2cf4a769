package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EvoNorm-B0, B1 and B2 written by hand (REFERENCE.md §2), official semantics:
 *
 * <pre>
 *   B0: x / max(√(s²_{b,h,w}(x)+eps), v1·x + √(s²_{h,w}(x)+eps)) · γ + β
 *   B1: x / max(√(s²_{b,h,w}(x)+eps), (x+1)·√μ_{h,w}(x²))      · γ + β
 *   B2: x / max(√(s²_{b,h,w}(x)+eps), √μ_{h,w}(x²) − x)        · γ + β
 * </pre>
 *
 * B1/B2 follow the paper: √μ(x²) has no eps. At inference the batch variance is the running one
 * (official EMA, init 1, biased batch variance; Bessel-corrected with {@link LayerOptions#besselRunningVar()}).
 *
 * <p>Full-size work per forward: one sum and one sum of products for all statistics (batch statistics
 * come from the per-(n,c) sums), one fused pass for the right operand of max (v1·x + b, (x+1)·r or
 * r − x are all per-(n,c) affine maps of x, minus the left operand), a relu and an add for the
 * max, the quotient, and one fused pass for γ/β.
 * In affine-only mode (a NORM_ONLY position) it is x·γ + β.
 *
 * <p>By default all of that is one fused native kernel with its own backward ({@link NativeKernels})
 * when that is loaded; {@code fusedKernels = false} keeps the composition of DJL's ops described above.
 */
public class EvoNormB extends ChannelBlock {

    /** The member of the family. */
    public enum Variant { B0, B1, B2 }

    private final Variant variant;
    private final LayerOptions options;
    private final boolean affineOnly;
    private final Parameter v1;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningVar;
    private final boolean fusedKernels;

    /**
     * @param affineOnly true at a NORM_ONLY position under the AFFINE or NORMALIZE policy (timm's
     *     B0 without activation is affine only too)
     */
    public EvoNormB(Variant variant, LayerOptions options, boolean affineOnly) {
        this(variant, options, affineOnly, true);
    }

    /** @param fusedKernels false to compose DJL's ops even where the native kernels are loaded */
    public EvoNormB(Variant variant, LayerOptions options, boolean affineOnly, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.variant = variant;
        this.options = options;
        this.affineOnly = affineOnly;
        this.v1 = !affineOnly && variant == Variant.B0 ? trainable("v1", 1f) : null;
        this.gamma = trainable("gamma", 1f);
        this.beta = trainable("beta", 0f);
        this.runningVar = affineOnly ? null : runningStatistic("running_var", true);
    }

    public Variant variant() {
        return variant;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = perChannel(store, gamma, x, training);
        NDArray b = perChannel(store, beta, x, training);
        if (affineOnly) {
            return new NDList(ChannelAffine.apply(x, g, b));
        }
        float eps = (float) options.eps();
        Shape shape = x.getShape();
        double bessel = options.besselRunningVar()
                ? RunningStatistic.bessel(shape.get(0) * shape.get(2) * shape.get(3)) : 1.0;
        if (fusedKernels && NativeKernels.accepts(x)) {
            NDArray v = variant == Variant.B0 ? perChannel(store, v1, x, training) : null;
            NDArray[] out = NativeKernels.evoNormB(x, v, g, b, RunningStatistic.asChannels(runningVar, x), variant,
                    training, options.eps());
            if (training) {
                RunningStatistic.update(runningVar, out[1], options.runningDecay(), bessel);
            }
            out[1].close();
            return new NDList(out[0]);
        }
        Moments moments = new Moments(x);
        NDArray batchStd;
        if (training) {
            NDArray batchVar = Moments.variance(
                    Moments.overBatch(moments.mean()), Moments.overBatch(moments.meanOfSquares()));
            RunningStatistic.update(runningVar, batchVar, options.runningDecay(), bessel);
            batchStd = batchVar.add(eps).sqrt();
        } else {
            batchStd = RunningStatistic.asChannels(runningVar, x).add(eps).sqrt();
        }
        // max(a, u) = a + relu(u − a): torch's maximum costs about four full passes forward and
        // backward (tie masks for both operands); relu is one each way, and "− a" folds into the
        // fused per-(n,c) affine that builds u = scale·x + shift.
        NDArray scale;
        NDArray shift;
        switch (variant) {
            case B0 -> {
                scale = perChannel(store, v1, x, training);
                shift = Moments.variance(moments.mean(), moments.meanOfSquares()).add(eps).sqrt();
            }
            case B1 -> {
                scale = moments.meanOfSquares().sqrt();
                shift = scale;
            }
            default -> {
                scale = x.getManager().full(new Shape(1, 1, 1, 1), -1f);
                shift = moments.meanOfSquares().sqrt();
            }
        }
        NDArray excessShift = shift.sub(batchStd);
        // γ > 0: x/max(a, u)·γ = x/max(a/γ, u/γ), and u/γ is still a per-(n,c) affine of x, so γ
        // costs C divisions instead of a full-size pass forward and backward (measured: B0
        // forward+backward 12–20% faster). Exactly the same function wherever γ > 0, so gradients
        // agree too; a γ ≤ 0 anywhere (rare: γ starts at 1) takes the plain path.
        NDArray inverseGamma = allPositive(g) ? EngineScalars.reciprocal(g) : null;
        NDArray excess = ChannelAffine.apply(x, overGamma(scale, inverseGamma), overGamma(excessShift, inverseGamma));
        NDArray denominator = excess.getNDArrayInternal().relu().add(overGamma(batchStd, inverseGamma));
        NDArray quotient = x.div(denominator);
        return new NDList(inverseGamma != null ? quotient.add(b) : ChannelAffine.apply(quotient, g, b));
    }

    /** v/γ when γ is folded into the denominator (inverseGamma given), else v. */
    private static NDArray overGamma(NDArray v, NDArray inverseGamma) {
        return inverseGamma == null ? v : v.mul(inverseGamma);
    }

    /** One C-element comparison; CPU tensors make reading the answer cheap. */
    private static boolean allPositive(NDArray gamma) {
        return gamma.gt(0f).all().getBoolean();
    }
}

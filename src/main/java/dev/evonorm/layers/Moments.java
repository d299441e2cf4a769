package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * First and second raw moments of one value over (h,w), per (sample, channel), computed on demand
 * and at most once; every aggregate of that value (instance, group, batch; mean or variance)
 * derives from them on reduced shapes. So a layer that takes both the batch and the instance
 * variance of x (EvoNorm-B0) reads the full tensor twice in all (one sum, one sum of squares), not
 * once per aggregate.
 *
 * <p>The value may already be reduced (h,w of size 1, or batch/channel of size 1): the mean over a
 * dimension along which a value is constant is the value itself, so the moments of a reduced value
 * are the value and its square. Variances are {@code E[v²] − E[v]²}, clamped at 0 against rounding;
 * in float32 this loses accuracy when |mean| ≫ std (relative error ≈ 6e-8·mean²/var), an accepted
 * trade for not making a second centred pass over the full tensor.
 */
final class Moments {
    private final NDArray value;
    private NDArray mean;
    private NDArray meanOfSquares;

    Moments(NDArray value) {
        this.value = value;
    }

    private boolean hasSpatialExtent() {
        Shape s = value.getShape();
        return s.get(2) * s.get(3) > 1;
    }

    /** μ_{h,w}(v), shaped (1|N, 1|C, 1, 1). */
    NDArray mean() {
        if (mean == null) {
            if (hasSpatialExtent()) {
                Shape s = value.getShape();
                mean = EngineScalars.divide(value.sum(new int[] {2, 3}, true), s.get(2) * s.get(3));
            } else {
                mean = value;
            }
        }
        return mean;
    }

    /**
     * μ_{h,w}(v²). On a full tensor it is Σ v·sg(v) (sg: stop-gradient) with its gradient doubled
     * on the reduced result: the value is Σv², the gradient 2v per element, and the backward is
     * ONE full-size product (the gradient of the sum times sg(v)). Autograd's own ways cost more:
     * the L2 norm's backward is several full passes, v·v yields v's gradient twice and adds them,
     * and square's backward recomputes 2v. Measured on (64,32,32,32), one thread on a busy core,
     * forward + backward of μ and μ(v²): 0.79× the norm form, 0.64× square-and-sum; whole layers
     * 3–11% faster (docs/benchmarks.md).
     * Only first-order gradients are right (nothing here takes a second derivative: the stability
     * screen differentiates numerically).
     */
    NDArray meanOfSquares() {
        if (meanOfSquares == null) {
            if (hasSpatialExtent()) {
                Shape s = value.getShape();
                meanOfSquares = EngineScalars.divide(sumOfSquares(value), s.get(2) * s.get(3));
            } else {
                meanOfSquares = value.square();
            }
        }
        return meanOfSquares;
    }

    /** Σ_{h,w} v² with gradient 2v (see {@link #meanOfSquares()}). */
    private static NDArray sumOfSquares(NDArray v) {
        NDArray halfGradient = v.mul(v.stopGradient()).sum(new int[] {2, 3}, true);
        NDArray frozen = halfGradient.stopGradient();
        // s + (s − sg(s)) is s in value with twice its gradient; where s overflowed to ±∞ the
        // difference is NaN, so there the sum is kept as it is (its gradient is not finite anyway).
        NDArray doubled = halfGradient.add(halfGradient.sub(frozen));
        return NDArrays.where(frozen.isInfinite(), halfGradient, doubled);
    }

    /** Averages a (1|N, 1|C, 1, 1) statistic over the batch. */
    static NDArray overBatch(NDArray stat) {
        long n = stat.getShape().get(0);
        return n > 1 ? EngineScalars.divide(stat.sum(new int[] {0}, true), n) : stat;
    }

    /** Averages a (1|N, 1|C, 1, 1) statistic over channel groups and repeats it per channel. */
    static NDArray overGroups(NDArray stat, int groups) {
        Shape s = stat.getShape();
        long c = s.get(1);
        if (c == 1) {
            return stat;
        }
        long perGroup = c / groups;
        if (perGroup == 1) {
            return stat;
        }
        long n = s.get(0);
        NDArray grouped = EngineScalars.divide(stat.reshape(n, groups, perGroup).sum(new int[] {2}, true), perGroup);
        return grouped.broadcast(n, groups, perGroup).reshape(n, c, 1, 1);
    }

    /** E[v²] − E[v]², clamped at 0 (population variance, no eps); relu is the clamp (see EngineScalars). */
    static NDArray variance(NDArray mean, NDArray meanOfSquares) {
        return meanOfSquares.sub(mean.square()).getNDArrayInternal().relu();
    }
}

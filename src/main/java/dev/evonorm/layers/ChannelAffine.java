package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code x·scale + shift} for a full NCHW tensor x and per-channel (1,C,1,1) or per-(sample,
 * channel) (N,C,1,1) scale and shift, in ONE fused kernel forward and one backward.
 *
 * <p>Why: composing {@code x.mul(scale).add(shift)} costs two full-size passes, a full-size
 * temporary and two full-size backward ops. PyTorch's batch_norm in inference mode with mean 0,
 * variance 1 and eps 0 computes exactly {@code x·w + b} in one vectorized pass and has a fused
 * backward that also yields the reductions for w and b. A per-(n,c) scale is served by viewing x as
 * (1, N·C, H, W). This is how the final γ/β affine and every "full value times/plus a reduced
 * value" chain of a layer become a single pass. Measured on (64,32,32,32), one thread, forward +
 * backward: batch_norm 5.4 ms vs mul+add 4.4 ms in isolation, but equal or faster inside whole
 * layers, and much faster with two threads on a busy machine (fewer parallel regions to stall);
 * a lone product or sum stays a plain op (mul 3.5 ms vs 5.3 ms).
 */
final class ChannelAffine {
    private ChannelAffine() {
    }

    /**
     * @param x a full NCHW tensor
     * @param scale null (means 1) or shaped (1|N, 1|C, 1, 1)
     * @param shift null (means 0) or shaped (1|N, 1|C, 1, 1)
     * @return x·scale + shift, shaped like x, attached to x's manager
     */
    static NDArray apply(NDArray x, NDArray scale, NDArray shift) {
        // A lone product or sum is already one kernel each way, and measured faster than batch_norm.
        if (shift == null) {
            return scale == null ? x : x.mul(scale);
        }
        if (scale == null) {
            return x.add(shift);
        }
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        NDManager manager = x.getManager();
        boolean perSample = (scale != null && scale.getShape().get(0) > 1)
                || (shift != null && shift.getShape().get(0) > 1);
        long k = perSample ? n * c : c;
        Shape reducedShape = perSample ? new Shape(n, c, 1, 1) : new Shape(1, c, 1, 1);
        NDArray w = flatten(scale, reducedShape, k);
        NDArray b = flatten(shift, reducedShape, k);
        NDArray mean = manager.zeros(new Shape(k));
        NDArray var = manager.ones(new Shape(k));
        NDArray input = perSample ? x.reshape(1, k, shape.get(2), shape.get(3)) : x;
        NDArray out = input.getNDArrayInternal()
                .batchNorm(input, mean, var, w, b, 1, 0.9f, 0f, false)
                .singletonOrThrow();
        return perSample ? out.reshape(shape) : out;
    }

    private static NDArray flatten(NDArray v, Shape reducedShape, long k) {
        NDArray full = v.getShape().equals(reducedShape) ? v : v.broadcast(reducedShape);
        return full.reshape(k);
    }
}

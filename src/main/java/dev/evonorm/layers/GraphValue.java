package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;

/**
 * A node's value during a graph forward pass, kept in its natural reduced shape and possibly not
 * yet materialized:
 *
 * <ul>
 *   <li>{@code base·scale + shift} with a full tensor {@code base} and reduced (·,·,1,1)
 *       {@code scale}/{@code shift} (either may be null): products, quotients, sums and negations
 *       of a full value with a reduced one only update scale/shift on C or N·C numbers, and the
 *       whole chain becomes one fused pass ({@link ChannelAffine}) when something needs the tensor;
 *   <li>{@code squareOf}: the square of a full node's value (by node index), left unmaterialized because a following mean only
 *       needs μ_{h,w}(v²), which {@link Moments} gets from one product-and-sum pass.
 * </ul>
 *
 * {@code nonNegative} records that the value cannot be negative (a second moment, a square, …), so
 * signed_sqrt of it is the plain root.
 */
record GraphValue(NDArray base, NDArray scale, NDArray shift, int squareOf, boolean nonNegative) {

    private static final int NONE = -1;

    static GraphValue of(NDArray array, boolean nonNegative) {
        return new GraphValue(array, null, null, NONE, nonNegative);
    }

    /** The square of node {@code index}'s (full) value, not yet computed. */
    static GraphValue squareOf(int index) {
        return new GraphValue(null, null, null, index, true);
    }

    boolean isDeferredSquare() {
        return squareOf != NONE;
    }

    boolean hasPendingAffine() {
        return scale != null || shift != null;
    }

    /** True when h·w > 1 and the value spans it, i.e. it is a full-size tensor. */
    boolean isFull() {
        if (isDeferredSquare()) {
            return true;
        }
        return base.getShape().get(2) * base.getShape().get(3) > 1;
    }

    /** The tensor itself, applying a pending affine. A deferred square is materialized by its evaluation, which knows the node. */
    NDArray materialize() {
        if (isDeferredSquare()) {
            throw new IllegalStateException("a deferred square is materialized through its node");
        }
        if (hasPendingAffine()) {
            return ChannelAffine.apply(base, scale, shift);
        }
        return base;
    }

    /** This full value with its pending affine composed with {@code ·s + t} (s, t reduced; either may be null). */
    GraphValue thenAffine(NDArray s, NDArray t, boolean nonNegativeResult) {
        NDArray newScale = scale;
        NDArray newShift = shift;
        if (s != null) {
            newScale = scale == null ? s : scale.mul(s);
            newShift = shift == null ? null : shift.mul(s);
        }
        if (t != null) {
            newShift = newShift == null ? t : newShift.add(t);
        }
        return new GraphValue(base, newScale, newShift, NONE, nonNegativeResult);
    }
}

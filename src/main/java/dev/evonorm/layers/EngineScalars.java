package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a plain number on arrays that take part in a backward pass.
 *
 * <p>Why not {@code x.div(n)}, {@code x.mul(n)}, {@code x.pow(n)} or {@code x.maximum(n)}: DJL's
 * PyTorch engine wraps the number in a tensor that points into a Java direct buffer (no copy) and
 * closes it as soon as the op returns. Autograd keeps that tensor for the backward pass (a quotient's
 * gradient needs its divisor), but nothing keeps the buffer alive: a garbage collection between
 * forward and backward frees it, and the backward reads whatever is there by then. Measured: every
 * normalization layer's gradients changed, or became NaN, when a collection was forced before
 * backward (ScalarLifetimeTest); in training it surfaced as runs that matched their twins bit for
 * bit and then hit a NaN loss, depending on when the JVM collected. A constant made by the engine
 * ({@code full}) owns its memory, so autograd's reference keeps it valid. Adding or subtracting a
 * number is safe (the sum's backward never reads the addend) and stays as it is.
 */
public final class EngineScalars {
    private EngineScalars() {
    }

    /** A float32 scalar owned by the engine, in {@code like}'s manager. */
    public static NDArray constant(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value);
    }

    public static NDArray divide(NDArray a, double divisor) {
        return a.div(constant(a, divisor));
    }

    public static NDArray multiply(NDArray a, double factor) {
        return a.mul(constant(a, factor));
    }

    /** 1 / a. */
    public static NDArray reciprocal(NDArray a) {
        return constant(a, 1).div(a);
    }
}

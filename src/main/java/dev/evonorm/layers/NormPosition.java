package dev.evonorm.layers;

/**
 * Where a norm-act layer sits in its host network. Most host normalizations are followed by an
 * activation; some are not (the linear bottleneck of MobileNetV2, the last norm of a residual
 * branch in some designs). REFERENCE.md §2 describes how each layer family treats the latter.
 */
public enum NormPosition {
    /** The host network applies an activation after this normalization. */
    NORM_ACT,
    /** The host network has a normalization here but no activation after it. */
    NORM_ONLY
}

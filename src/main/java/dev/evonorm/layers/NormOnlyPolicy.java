package dev.evonorm.layers;

/**
 * What an EvoNorm or graph layer becomes at a {@link NormPosition#NORM_ONLY} position, where the
 * host network has a normalization but no activation. Baselines ignore this: there they are always
 * their normalization without activation (BN-ReLU becomes BN).
 */
public enum NormOnlyPolicy {
    /** Official EvoNorm code ({@code nonlinearity=False}): only the per-channel affine x·γ+β. */
    AFFINE,
    /**
     * timm's "a" variants: keep the normalization, drop the activation. Defined for the named
     * EvoNorms only (a searched graph has no separable activation); graph layers fall back to
     * {@link #AFFINE}.
     */
    NORMALIZE,
    /** The whole layer everywhere, activation included. */
    FULL
}

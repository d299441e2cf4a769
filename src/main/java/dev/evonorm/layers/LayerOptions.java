package dev.evonorm.layers;

/**
 * Options shared by every layer the {@link Layers} factory builds. Defaults follow the official
 * EvoNorm code (REFERENCE.md §2).
 *
 * @param eps added to every second moment (s² returns variance + eps) and to baseline norms
 * @param groups how group aggregates and GroupNorm split the channels
 * @param runningDecay running statistics follow {@code r ← decay·r + (1−decay)·batchValue}
 * @param besselRunningVar when true the running variance is fed the unbiased batch variance
 *     n/(n−1)·var (timm's B0); the batch variance used in training stays the biased one
 * @param normOnly what EvoNorm and graph layers become at a {@link NormPosition#NORM_ONLY} position
 * @param fusedGraphs whether graph layers run on the fused graph executor where it is loaded
 *     ({@link NativeKernels}; true by default) or compose DJL's ops (a search made before the
 *     executor keeps that arithmetic)
 */
public record LayerOptions(double eps, GroupSpec groups, double runningDecay, boolean besselRunningVar,
        NormOnlyPolicy normOnly, boolean fusedGraphs) {

    public LayerOptions {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number >= 0, got " + eps);
        }
        if (groups == null) {
            throw new IllegalArgumentException("groups must be set; use GroupSpec.upTo(32)");
        }
        if (!(runningDecay >= 0 && runningDecay <= 1)) {
            throw new IllegalArgumentException("running decay must be in [0, 1], got " + runningDecay + "; use 0.9");
        }
        if (normOnly == null) {
            throw new IllegalArgumentException("norm-only policy must be set; use AFFINE (official)");
        }
    }

    public LayerOptions(double eps, GroupSpec groups, double runningDecay, boolean besselRunningVar, NormOnlyPolicy normOnly) {
        this(eps, groups, runningDecay, besselRunningVar, normOnly, true);
    }

    public static LayerOptions defaults() {
        return new LayerOptions(1e-5, GroupSpec.defaults(), 0.9, false, NormOnlyPolicy.AFFINE);
    }

    public LayerOptions withEps(double value) {
        return new LayerOptions(value, groups, runningDecay, besselRunningVar, normOnly, fusedGraphs);
    }

    public LayerOptions withGroups(GroupSpec value) {
        return new LayerOptions(eps, value, runningDecay, besselRunningVar, normOnly, fusedGraphs);
    }

    public LayerOptions withRunningDecay(double value) {
        return new LayerOptions(eps, groups, value, besselRunningVar, normOnly, fusedGraphs);
    }

    public LayerOptions withBesselRunningVar(boolean value) {
        return new LayerOptions(eps, groups, runningDecay, value, normOnly, fusedGraphs);
    }

    public LayerOptions withNormOnly(NormOnlyPolicy value) {
        return new LayerOptions(eps, groups, runningDecay, besselRunningVar, value, fusedGraphs);
    }

    public LayerOptions withFusedGraphs(boolean value) {
        return new LayerOptions(eps, groups, runningDecay, besselRunningVar, normOnly, value);
    }
}

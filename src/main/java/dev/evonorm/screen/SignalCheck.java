package dev.evonorm.screen;

import dev.evonorm.data.ImageDataset;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The signal screen, between the functional dedupe and the quality protocol: one forward and
 * backward pass of a freshly initialized network (the first search architecture, the training's
 * initialization and seed) with the candidate at every norm-act site, on one fixed mini-batch of
 * the training split, measured as {@code evonorm diagnose} measures ("Beyond BatchNorm",
 * REFERENCE.md §4). It rejects a layer through which no learning signal can flow:
 * <ul>
 *   <li>the loss or a site's gradient at initialization is NaN or infinite;</li>
 *   <li>no gradient reaches any site (the loss does not depend on anything the sites compute);</li>
 *   <li>the gradient at the first site is below {@code minGradientRatio} times the gradient at the
 *       last: the layers near the input get no learning signal (e.g. a layer that outputs a
 *       variance of a variance, or a sigmoid of one, flattens the gradient by 10⁶–10³⁰).</li>
 * </ul>
 * Such a layer reaches the quality protocol's 100 steps and stays at chance there, which costs a
 * few seconds each; this pass costs a tenth of a second. The ratio was set from 440 random layers
 * measured both ways (docs/benchmarks.md, "The signal screen"): no layer that passed the quality
 * protocol had a ratio below 10⁻³.
 */
public final class SignalCheck {
    /** The default minimum ratio of the first site's gradient norm to the last site's. */
    public static final double DEFAULT_MIN_GRADIENT_RATIO = 1e-4;

    private SignalCheck() {
    }

    /**
     * Why {@code layer} cannot learn in {@code architecture}, judged at initialization on {@code batch},
     * or empty when it may.
     */
    public static Optional<String> check(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                         ImageDataset batch, long seed, double minGradientRatio) {
        InitDiagnostics.Result r = InitDiagnostics.measureGradients(architecture, archConfig, layer, batch, seed);
        return problem(r, minGradientRatio).map(p -> architecture.name() + ": " + p);
    }

    /** The rule itself, on measures already taken. */
    static Optional<String> problem(InitDiagnostics.Result r, double minGradientRatio) {
        if (!Double.isFinite(r.loss())) {
            return Optional.of("loss at initialization is " + r.loss());
        }
        List<SiteMeasures> sites = r.sites();
        if (sites.isEmpty()) {
            return Optional.empty(); // an architecture without norm-act sites: nothing to judge
        }
        for (SiteMeasures s : sites) {
            if (!Double.isFinite(s.gradientNorm())) {
                return Optional.of("gradient at initialization is " + s.gradientNorm() + " at " + s.site());
            }
        }
        double first = sites.get(0).gradientNorm();
        double last = sites.get(sites.size() - 1).gradientNorm();
        if (sites.stream().allMatch(s -> s.gradientNorm() == 0)) {
            return Optional.of("no gradient reaches any norm-act site at initialization (the loss does not depend on them)");
        }
        if (first < minGradientRatio * last) {
            return Optional.of(String.format(Locale.ROOT,
                    "gradient at the first norm-act site is %.1e of that at the last at initialization (below %.1e): "
                            + "the layers near the input get no learning signal", first / last, minGradientRatio));
        }
        return Optional.empty();
    }
}

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
 * backward pass of a freshly initialized network (each architecture the quality protocol trains on,
 * or the first only; the training's initialization and seed) with the candidate at every norm-act
 * site, on one fixed mini-batch of
 * the training split, measured as {@code evonorm diagnose} measures ("Beyond BatchNorm",
 * REFERENCE.md §4). It rejects a layer through which no learning signal can flow:
 * <ul>
 *   <li>the loss or a site's gradient at initialization is NaN or infinite;</li>
 *   <li>no gradient reaches any site (the loss does not depend on anything the sites compute);</li>
 *   <li>the gradient at the first site is below {@code minGradientRatio} times the gradient at the
 *       last: the layers near the input get no learning signal (e.g. a layer that outputs a
 *       variance of a variance, or a sigmoid of one, flattens the gradient by 10⁶–10³⁰);</li>
 *   <li>optionally, the gradient at the first site is above {@code maxGradientRatio} times the
 *       gradient at the last: it explodes toward the input (no layer that passed the quality
 *       protocol on any search architecture had a ratio above 217; most layers above 10⁴ diverged
 *       or stayed at chance).</li>
 * </ul>
 * Such a layer reaches the quality protocol's 100 steps and stays at chance there, which costs a
 * few seconds each; this pass costs a tenth of a second. The lower bound was set from 440 random
 * layers measured both ways (docs/benchmarks.md, "The signal screen"): no layer that passed the
 * quality protocol had a ratio below 10⁻³. The upper bound and the other architectures were set
 * from the 1,202 candidates of a 2-hour search that reached the quality protocol ("The signal
 * screen on every architecture"): the 143 it accepted had ratios of 0.006–217 on all three.
 */
public final class SignalCheck {
    /** The default minimum ratio of the first site's gradient norm to the last site's. */
    public static final double DEFAULT_MIN_GRADIENT_RATIO = 1e-4;
    /** The default maximum of that ratio (0 would mean none). */
    public static final double DEFAULT_MAX_GRADIENT_RATIO = 1e4;

    private SignalCheck() {
    }

    /**
     * Why {@code layer} cannot learn in {@code architecture}, judged at initialization on {@code batch},
     * or empty when it may.
     */
    public static Optional<String> check(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                         ImageDataset batch, long seed, double minGradientRatio) {
        return check(architecture, archConfig, layer, batch, seed, minGradientRatio, 0);
    }

    /** The same, also rejecting a ratio above {@code maxGradientRatio} unless that is 0. */
    public static Optional<String> check(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                         ImageDataset batch, long seed, double minGradientRatio, double maxGradientRatio) {
        InitDiagnostics.Result r = InitDiagnostics.measureGradients(architecture, archConfig, layer, batch, seed);
        return problem(r, minGradientRatio, maxGradientRatio).map(p -> architecture.name() + ": " + p);
    }

    /** The rule without an upper bound, on measures already taken. */
    static Optional<String> problem(InitDiagnostics.Result r, double minGradientRatio) {
        return problem(r, minGradientRatio, 0);
    }

    /** The rule itself, on measures already taken; {@code maxGradientRatio} 0 for no upper bound. */
    public static Optional<String> problem(InitDiagnostics.Result r, double minGradientRatio, double maxGradientRatio) {
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
        if (maxGradientRatio > 0 && last > 0 && first > maxGradientRatio * last) {
            return Optional.of(String.format(Locale.ROOT,
                    "gradient at the first norm-act site is %.1e times that at the last at initialization (above %.1e): "
                            + "it explodes toward the input", first / last, maxGradientRatio));
        }
        return Optional.empty();
    }
}

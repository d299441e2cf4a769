package dev.evonorm.cli;

import dev.evonorm.layers.GroupSpec;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.NormOnlyPolicy;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options shared by every layer: ε, groups, and what a layer does where the host has no activation. */
final class LayerSettings {
    @Option(names = "--eps", description = "ε added to variances (default: 1e-5, official).")
    Double eps;

    @Option(names = "--groups", paramLabel = "G|exactly:G|size:S",
            description = "Groups of group statistics: G = largest divisor of C up to G (default 32, official); exactly:G; size:S channels per group.")
    String groups;

    @Option(names = "--norm-only", paramLabel = "affine|normalize|full",
            description = "Layer at norm-without-activation positions: affine (official), normalize (timm 'a'), full.")
    String normOnly;

    LayerOptions toOptions() {
        LayerOptions o = LayerOptions.defaults();
        if (eps != null) {
            if (!(eps > 0)) {
                throw new UserInputException("--eps must be positive, got " + eps);
            }
            o = o.withEps(eps);
        }
        if (groups != null) {
            o = o.withGroups(parseGroups(groups));
        }
        if (normOnly != null) {
            try {
                o = o.withNormOnly(NormOnlyPolicy.valueOf(normOnly.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--norm-only '" + normOnly + "' is unknown; use affine, normalize or full");
            }
        }
        return o;
    }

    static GroupSpec parseGroups(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("exactly:")) {
                return GroupSpec.exactly(Integer.parseInt(t.substring(8)));
            }
            if (t.startsWith("size:")) {
                return GroupSpec.channelsPerGroup(Integer.parseInt(t.substring(5)));
            }
            return GroupSpec.upTo(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new UserInputException("--groups '" + text + "' is not understood; use a number (32), exactly:G or size:S");
        }
    }
}

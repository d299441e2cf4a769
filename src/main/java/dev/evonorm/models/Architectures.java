package dev.evonorm.models;

import static dev.evonorm.models.ArchitectureRole.HELD_OUT;
import static dev.evonorm.models.ArchitectureRole.SEARCH;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architectures by name. Three are used by the search (the paper's trio, scaled down); two are
 * held out to check that a found layer transfers to networks it was never trained on.
 *
 * <p>Defaults are sized so that one forward+backward pass at batch 128 stays within a few tens of
 * milliseconds on a 2-core CPU; docs/architectures.md gives the measured figures.
 */
public final class Architectures {
    private static final double SE_QUARTER = 0.25;

    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();

    static {
        register(new PreActResNet("resnet", SEARCH, 16, List.of(16, 32, 64), List.of(1, 1, 1)));
        // The mobile networks take their first stride-2 step in the first (unexpanded) block: a
        // depthwise conv and its norm over 6x-expanded channels at 14x14 cost more than the whole
        // ResNet on a CPU, so expansion only ever happens at 7x7 and below. Each network keeps one
        // identity residual (two consecutive equal-width blocks), placed where the resolution is lowest.
        register(new InvertedResidualNetwork("mobilenetv2", SEARCH,
                "MobileNetV2-style: inverted residuals (expansion 6) with linear bottlenecks, 3x3 depthwise",
                16,
                List.of(
                        new InvertedResidualStage(3, 1, 16, 1, 2, 0),
                        new InvertedResidualStage(3, 6, 24, 1, 1, 0),
                        new InvertedResidualStage(3, 6, 32, 2, 2, 0),
                        new InvertedResidualStage(3, 6, 64, 1, 1, 0)),
                128, SqueezeExcite.GateActivation.RELU));
        register(new InvertedResidualNetwork("efficientnet", SEARCH,
                "EfficientNet-B0-style: MBConv (expansion 6) with squeeze-excite (swish gate), 3x3 and 5x5 depthwise",
                16,
                List.of(
                        new InvertedResidualStage(3, 1, 16, 1, 2, SE_QUARTER),
                        new InvertedResidualStage(3, 6, 24, 1, 1, SE_QUARTER),
                        new InvertedResidualStage(5, 6, 40, 1, 2, SE_QUARTER),
                        // A 3x3 stage of the same width, not a second 5x5 block: a 5x5 depthwise
                        // over 240 channels at 4x4 alone cost ~30 ms per step on one core.
                        new InvertedResidualStage(3, 6, 40, 1, 1, SE_QUARTER)),
                128, SqueezeExcite.GateActivation.SWISH));
        register(new InvertedResidualNetwork("mnasnet", HELD_OUT,
                "MnasNet-A1-style: mixed 3x3/5x5 depthwise, expansion 3 and 6, squeeze-excite (ReLU gate) in two stages",
                16,
                List.of(
                        new InvertedResidualStage(3, 1, 16, 1, 2, 0),
                        new InvertedResidualStage(3, 3, 24, 2, 1, 0),
                        new InvertedResidualStage(5, 3, 40, 1, 2, SE_QUARTER),
                        new InvertedResidualStage(3, 6, 64, 1, 1, SE_QUARTER)),
                128, SqueezeExcite.GateActivation.RELU));
        register(new PreActResNet("resnet-deep", HELD_OUT, 16, List.of(16, 32, 64), List.of(3, 3, 3)));
    }

    private Architectures() {
    }

    private static void register(Architecture architecture) {
        BY_NAME.put(architecture.name(), architecture);
    }

    /**
     * The architecture registered under {@code name}.
     *
     * @throws IllegalArgumentException naming the known architectures when there is none
     */
    public static Architecture byName(String name) {
        Architecture architecture = name == null ? null : BY_NAME.get(name);
        if (architecture == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                    + String.join(", ", names()));
        }
        return architecture;
    }

    /** All names, search architectures first. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static List<Architecture> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** The K architectures the search trains every candidate on. */
    public static List<Architecture> search() {
        return withRole(SEARCH);
    }

    /** Architectures the search never sees. */
    public static List<Architecture> heldOut() {
        return withRole(HELD_OUT);
    }

    private static List<Architecture> withRole(ArchitectureRole role) {
        return BY_NAME.values().stream().filter(a -> a.role() == role).toList();
    }
}

package dev.evonorm.models;

import static dev.evonorm.models.ArchitectureRole.DIAGNOSTIC;
import static dev.evonorm.models.ArchitectureRole.HELD_OUT;
import static dev.evonorm.models.ArchitectureRole.SEARCH;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The architectures by name. Three are used by the search (the paper's trio, scaled down); two are
 * held out to check that a found layer transfers to networks it was never trained on.
 *
 * <p>Defaults are sized so that one forward+backward pass at batch 128 stays within a few tens of
 * milliseconds on a 2-core CPU; docs/architectures.md gives the measured figures.
 *
 * <p>Networks of a user's own join them from the classpath: a class implementing
 * {@link Architecture} with a public no-argument constructor, named in a
 * {@code META-INF/services/dev.evonorm.models.Architecture} file ({@link ServiceLoader}). Worker
 * processes start with the search's classpath, so they find the same ones.
 */
public final class Architectures {
    private static final double SE_QUARTER = 0.25;
    private static final Logger LOG = LoggerFactory.getLogger(Architectures.class);
    /** Names go into comma-separated --archs lists and folder names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();
    /** The networks of this project; those from the classpath are used only where they are named. */
    private static final List<Architecture> BUILT_IN = new ArrayList<>();
    /** Why architectures found on the classpath were left out, for the unknown-name message. */
    private static final List<String> LEFT_OUT = new ArrayList<>();

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
        // The networks of "Beyond BatchNorm" (widths 32/64/128), for the initialization diagnostics.
        for (int depth : new int[] {10, 20, 40}) {
            register(new PlainConvNet("plain-" + depth, depth, List.of(32, 64, 128)));
        }
        register(new PreActResNet("resnet-56", DIAGNOSTIC, 32, List.of(32, 64, 128), List.of(9, 9, 9)));
        BUILT_IN.addAll(BY_NAME.values());
        Discovery found = discover(Architectures.class.getClassLoader(), BY_NAME.keySet());
        found.architectures().forEach(Architectures::register);
        LEFT_OUT.addAll(found.leftOut());
        found.architectures().forEach(a -> LOG.info("architecture '{}' ({}) from {}", a.name(), a.role(),
                a.getClass().getName()));
        found.leftOut().forEach(LOG::warn);
    }

    /** Architectures found on a class path, and why others were not taken. */
    public record Discovery(List<Architecture> architectures, List<String> leftOut) {
    }

    /**
     * The {@link Architecture} services {@code loader} sees. One that cannot be created, has no
     * usable name, or takes a name already in {@code taken} (or taken by an earlier one) is left
     * out with a reason instead of failing: a broken plug-in must not stop the built-in networks.
     */
    public static Discovery discover(ClassLoader loader, Collection<String> taken) {
        List<Architecture> found = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        Set<String> names = new HashSet<>(taken);
        Iterator<Architecture> services = ServiceLoader.load(Architecture.class, loader).iterator();
        while (true) {
            Architecture architecture;
            try {
                if (!services.hasNext()) {
                    break;
                }
                architecture = services.next();
            } catch (ServiceConfigurationError e) {
                leftOut.add("an architecture on the classpath could not be loaded: " + e.getMessage());
                continue;
            }
            String className = architecture.getClass().getName();
            String name;
            try {
                name = architecture.name();
                Objects.requireNonNull(architecture.role(), "role()");
            } catch (RuntimeException e) {
                leftOut.add(className + " left out: its name() or role() failed (" + e + ")");
                continue;
            }
            if (name == null || !NAME.matcher(name).matches()) {
                leftOut.add(className + " left out: its name '" + name + "' is not lower-case letters, digits,"
                        + " '.', '_' or '-'");
            } else if (!names.add(name)) {
                leftOut.add(className + " left out: the name '" + name + "' is already taken; rename it");
            } else {
                found.add(architecture);
            }
        }
        return new Discovery(List.copyOf(found), List.copyOf(leftOut));
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
            String leftOut = LEFT_OUT.isEmpty() ? "" : " (left out from the classpath: " + String.join("; ", LEFT_OUT) + ")";
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                    + String.join(", ", names()) + leftOut);
        }
        return architecture;
    }

    /** Why architectures on the classpath were not registered (empty when none were refused). */
    public static List<String> leftOut() {
        return List.copyOf(LEFT_OUT);
    }

    /** All names: the built-in ones (search architectures first), then those from the classpath. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static List<Architecture> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** The K built-in architectures a search trains every candidate on unless --archs names others. */
    public static List<Architecture> search() {
        return withRole(SEARCH);
    }

    /** The built-in architectures the search never sees, for checking that a layer transfers. */
    public static List<Architecture> heldOut() {
        return withRole(HELD_OUT);
    }

    private static List<Architecture> withRole(ArchitectureRole role) {
        return BUILT_IN.stream().filter(a -> a.role() == role).toList();
    }
}

package dev.evonorm.cli;

import ai.djl.ndarray.types.Shape;
import dev.evonorm.bench.Allocator;
import dev.evonorm.bench.LayerBench;
import dev.evonorm.bench.OpProfile;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code evonorm bench ops LAYER…}: PyTorch's per-op profile of each layer's forward+backward. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"Where a layer's forward+backward time goes, op by op (PyTorch's profiler): "
                + "self time per step of each op, forward and backward, with its input shapes.",
            "Any layer the factory knows: a name (evonorm-s0, bn-relu …) or graph:<file or JSON>;"
            + " evonorm-s0-ops … is a hand-written EvoNorm composed of DJL's ops instead of its fused kernel."})
final class OpsBenchCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "LAYER", description = "Layers to profile, one after the other.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--shape", defaultValue = "64,32,32,32", paramLabel = "N,C,H,W",
            description = "Input shape (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--warmup", defaultValue = "5", description = "Unprofiled steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "20", description = "Profiled steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--top", defaultValue = "15", description = "Rows shown per layer; the rest are summed (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    LayerSettings layerSettings = new LayerSettings();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (warmup < 0 || steps < 1 || top < 1) {
            throw new UserInputException("--warmup must be >= 0, --steps >= 1 and --top >= 1");
        }
        Shape input = parseShape(shape);
        LayerOptions options = layerSettings.toOptions();
        // Build every layer first, so that a typo or an impossible channel count in the last one
        // fails before any profiling.
        Map<String, NormActFactory> factories = new LinkedHashMap<>();
        for (String layer : layers) {
            NormActFactory factory = LayerBench.factory(layer, options);
            factory.create((int) input.get(1), NormPosition.NORM_ACT);
            factories.put(layer, factory);
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.println("allocator: " + Allocator.inUse());
        factories.forEach((name, factory) -> {
            out.println(OpProfile.run(name, factory, input, warmup, steps).report(top));
            out.flush();
        });
    }

    static Shape parseShape(String text) {
        long[] dims;
        try {
            dims = Arrays.stream(text.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            dims = null;
        }
        if (dims == null || dims.length != 4 || Arrays.stream(dims).anyMatch(d -> d < 1)) {
            throw new UserInputException("--shape '" + text + "' is not an NCHW shape; give four positive sizes, e.g. 64,32,32,32");
        }
        return new Shape(dims);
    }
}

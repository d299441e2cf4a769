package dev.evonorm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.layers.EvoNormB;
import dev.evonorm.layers.EvoNormS;
import dev.evonorm.layers.GraphBlock;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NativeKernels;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Forward+backward speed of the norm-act layers on a (64,32,32,32) float tensor in training mode:
 * DJL BatchNorm+ReLU, each hand-written EvoNorm (the fused native kernels when loaded), the same
 * blocks composed of DJL's ops ({@code -ops}) and each graph form. One step is forward, then
 * backward from a dense upstream gradient (input gradient included, as inside a network) in a
 * GradientCollector.
 * Layers are measured interleaved — one step of each, round after round — so that the machine's
 * drift hits all of them alike; the figure is the median per layer.
 */
public final class LayerBench {
    private LayerBench() {
    }

    public static final List<String> LAYERS = List.of("bn-relu",
            "evonorm-b0", "evonorm-b1", "evonorm-b2", "evonorm-s0", "evonorm-s1", "evonorm-s2",
            "evonorm-b0-ops", "evonorm-b1-ops", "evonorm-b2-ops", "evonorm-s0-ops", "evonorm-s1-ops", "evonorm-s2-ops",
            "evonorm-b0-graph", "evonorm-b1-graph", "evonorm-b2-graph", "evonorm-s0-graph", "evonorm-s1-graph", "evonorm-s2-graph",
            "evonorm-b0-graph-ops", "evonorm-b1-graph-ops", "evonorm-b2-graph-ops", "evonorm-s0-graph-ops",
            "evonorm-s1-graph-ops", "evonorm-s2-graph-ops");

    /**
     * @param shape the input shape
     * @param warmUp untimed rounds
     * @param iterations timed rounds
     * @param threads PyTorch intra-op threads
     * @param medianMs median wall-clock milliseconds per forward+backward step, by layer name
     * @param medianCpuMs median CPU milliseconds of the calling thread per step: insensitive to
     *     other processes on a shared machine; the whole work with one intra-op thread, the
     *     caller's share (about half) with two
     */
    public record Result(Shape shape, int warmUp, int iterations, int threads, Map<String, Double> medianMs,
            Map<String, Double> medianCpuMs) {

        /** median(layer) / median(bn-relu). */
        public double overBatchNormRelu(String layer) {
            return medianMs.get(layer) / medianMs.get("bn-relu");
        }

        /** median(evonorm-x-graph) / median(evonorm-x). */
        public double graphOverHandWritten(String evonorm) {
            return ratio(evonorm + "-graph", evonorm);
        }

        /** median(layer) / median(reference), or NaN when the reference was not measured. */
        public double ratio(String layer, String reference) {
            Double r = medianMs.get(reference);
            return r == null ? Double.NaN : medianMs.get(layer) / r;
        }

        /** A table for the terminal and docs/benchmarks.md. */
        public String report() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "layer forward+backward, input %s float32, training mode, %d warm-up + %d timed rounds (interleaved), %d intra-op threads%n",
                    shape, warmUp, iterations, threads));
            s.append("allocator: ").append(Allocator.inUse()).append(System.lineSeparator());
            s.append("EvoNorm kernels: ").append(NativeKernels.status().description()).append(System.lineSeparator());
            s.append(String.format(Locale.ROOT, "%-18s %10s %12s %16s %12s %12s %12s%n", "layer", "median ms", "/ bn-relu", "graph / hand", "graph / ops", "cpu ms", "cpu/bn-relu"));
            for (Map.Entry<String, Double> e : medianMs.entrySet()) {
                String name = e.getKey();
                boolean graph = name.endsWith("-graph") || name.endsWith("-graph-ops");
                String base = name.endsWith("-graph") ? name.substring(0, name.length() - 6)
                        : graph ? name.substring(0, name.length() - 10) : name;
                String ratio = graph && medianMs.containsKey(base)
                        ? String.format(Locale.ROOT, "%.2f", ratio(name, base)) : "";
                String opsRatio = graph && medianMs.containsKey(base + "-ops")
                        ? String.format(Locale.ROOT, "%.2f", ratio(name, base + "-ops")) : "";
                double cpu = medianCpuMs.get(name);
                s.append(String.format(Locale.ROOT, "%-18s %10.2f %12.2f %16s %12s %12.2f %12.2f%n", name, e.getValue(),
                        overBatchNormRelu(name), ratio, opsRatio, cpu, cpu / medianCpuMs.get("bn-relu")));
            }
            return s.toString();
        }
    }

    /** Runs the benchmark over {@link #LAYERS} on (64,32,32,32). */
    public static Result run(int warmUp, int iterations) {
        return run(LAYERS, new Shape(64, 32, 32, 32), warmUp, iterations);
    }

    public static Result run(List<String> layers, Shape shape, int warmUp, int iterations) {
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, double[]> cpuTimes = new LinkedHashMap<>();
        java.lang.management.ThreadMXBean threadClock = java.lang.management.ManagementFactory.getThreadMXBean();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            NDArray upstream = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            List<Block> blocks = new ArrayList<>();
            for (String name : layers) {
                Block block = create(name, (int) shape.get(1));
                block.initialize(manager, DataType.FLOAT32, shape);
                blocks.add(block);
                times.put(name, new double[iterations]);
                cpuTimes.put(name, new double[iterations]);
            }
            for (int round = 0; round < warmUp + iterations; round++) {
                for (int k = 0; k < blocks.size(); k++) {
                    try (NDManager owner = manager.newSubManager()) {
                        NDArray input = freshInput(x, owner);
                        long cpuStart = threadClock.getCurrentThreadCpuTime();
                        long start = System.nanoTime();
                        step(blocks.get(k), owner, input, upstream);
                        double ms = (System.nanoTime() - start) / 1e6;
                        double cpuMs = (threadClock.getCurrentThreadCpuTime() - cpuStart) / 1e6;
                        if (round >= warmUp) {
                            times.get(layers.get(k))[round - warmUp] = ms;
                            cpuTimes.get(layers.get(k))[round - warmUp] = cpuMs;
                        }
                    }
                }
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        times.forEach((name, t) -> medians.put(name, median(t)));
        Map<String, Double> cpuMedians = new LinkedHashMap<>();
        cpuTimes.forEach((name, t) -> cpuMedians.put(name, median(t)));
        return new Result(shape, warmUp, iterations, JniUtils.getNumThreads(), medians, cpuMedians);
    }

    /**
     * A layer by name; {@code evonorm-XX-ops} is the hand-written EvoNorm composed of DJL's ops even
     * where the fused native kernels are loaded (the form every EvoNorm had before them).
     */
    static Block create(String name, int channels) {
        return factory(name, LayerOptions.defaults()).create(channels, NormPosition.NORM_ACT);
    }

    /**
     * The factory for a benchmark's layer name: every name {@link Layers#factory} knows, and
     * {@code evonorm-b0-ops} … {@code evonorm-s2-ops} (see {@link #create}).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static NormActFactory factory(String name, LayerOptions options) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith("-graph-ops")) {
            String base = lower.substring(0, lower.length() - "-ops".length());
            LayerGraph graph = Layers.graphOf(base).orElseThrow(() -> new IllegalArgumentException("unknown layer " + name));
            return composed(lower, () -> new GraphBlock(graph, options, false));
        }
        if (lower.startsWith("evonorm-") && lower.endsWith("-ops")) {
            String member = lower.substring("evonorm-".length(), lower.length() - "-ops".length()).toUpperCase(Locale.ROOT);
            for (EvoNormS.Variant v : EvoNormS.Variant.values()) {
                if (v.name().equals(member)) {
                    return composed(lower, () -> new EvoNormS(v, options, EvoNormS.Mode.FULL, false));
                }
            }
            for (EvoNormB.Variant v : EvoNormB.Variant.values()) {
                if (v.name().equals(member)) {
                    return composed(lower, () -> new EvoNormB(v, options, false, false));
                }
            }
        }
        return Layers.factory(name, options);
    }

    /** A factory of a composed EvoNorm for the norm-act positions the benchmarks use. */
    private static NormActFactory composed(String name, java.util.function.Supplier<Block> build) {
        return new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                return build.get();
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /**
     * A copy of {@code x} owned by {@code owner} that is a fresh autograd leaf, made outside the
     * timing. Why fresh: a leaf reused across steps accumulates each step's input gradient into the
     * previous one (one more full-size add per step, the same for every layer, which flattered the
     * ratios to BN-ReLU until 2026-12-01); a fresh leaf takes its gradient over as it is, as the
     * layer below would inside a network.
     */
    static NDArray freshInput(NDArray x, NDManager owner) {
        NDArray input = x.duplicate();
        input.attach(owner);
        input.setRequiresGradient(true);
        return input;
    }

    /**
     * One forward + backward of {@code block} on {@code x}, its temporaries freed at the end (also
     * used by {@link OpProfile}).
     *
     * <p>The backward starts from {@code upstream}, a dense gradient shaped like the output, made
     * once outside the timing: that is what a layer inside a network receives. Backpropagating from
     * {@code y.sum()} instead (as until 2026-12-01) hands the layer a broadcast, stride-0 gradient,
     * which some backward kernels read at a different speed than a dense one.
     */
    static void step(Block block, NDManager manager, NDArray x, NDArray upstream) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // Ops attach their results to the input's manager: lend x to the step's manager so the
            // step's temporaries are freed with it (and x returns to its owner afterwards).
            x.tempAttach(step);
            NDArray y = block.forward(new ParameterStore(step, false), new NDList(x), true).singletonOrThrow();
            // GradientCollector.backward(y) would allocate and fill a ones tensor inside the timing.
            JniUtils.backward((PtNDArray) y, (PtNDArray) upstream, false, false);
            // Read one value so the step has finished (PyTorch CPU is synchronous; this is cheap).
            y.getFloat(0, 0, 0, 0);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@code LayerBench [warmUp] [iterations] [layer,layer,…]}: prints the table (bn-relu is always measured). */
    public static void main(String[] args) {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<String> layers = new ArrayList<>(List.of("bn-relu"));
        if (args.length > 2) {
            for (String name : args[2].split(",")) {
                if (!name.isBlank() && !layers.contains(name.trim())) {
                    layers.add(name.trim());
                }
            }
        } else {
            layers = LAYERS;
        }
        Shape shape = new Shape(64, 32, 32, 32);
        if (args.length > 3) {
            shape = new Shape(Arrays.stream(args[3].split(",")).mapToLong(v -> Long.parseLong(v.trim())).toArray());
        }
        System.out.print(run(layers, shape, warmUp, iterations).report());
    }
}

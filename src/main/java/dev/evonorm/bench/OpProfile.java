package dev.evonorm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the time of one layer's forward+backward goes, op by op, from PyTorch's own profiler
 * (through DJL's {@link JniUtils#startProfile}): the same step as {@link LayerBench}, repeated, and
 * the profiler's trace folded into one row per (op, phase, input shapes) with its calls and its
 * <em>self</em> time per step (time inside the op minus the ops it called, so nothing counts twice).
 *
 * <p>Why: a layer written as a composition of tensor ops costs what its full-size kernels cost, and
 * the backward ops autograd adds are invisible in the code. This names them: for example that
 * EvoNorm-S0 spends a third of its time in full-size products, four of them in the backward pass.
 * The profiler adds a few microseconds per op, so the total is a little above the plain
 * benchmark's; shares are what to read.
 */
public final class OpProfile {
    private static final String BACKWARD_MARK = "autograd::engine::evaluate_function";

    private OpProfile() {
    }

    /** Forward ops run in the layer's forward call; backward ops inside autograd's engine. */
    public enum Phase { FORWARD, BACKWARD }

    /**
     * One row: an op with one set of input shapes in one phase.
     *
     * @param shapes the tensor inputs' shapes, e.g. {@code 64×32×32×32, 1×32×1×1} (scalars and
     *     non-tensor arguments left out)
     */
    public record Op(String name, Phase phase, String shapes, double callsPerStep, double selfMsPerStep) {
    }

    /**
     * @param wallMsPerStep wall-clock time per step with the profiler on
     * @param ops every row, most self time first
     */
    public record Result(String layer, Shape shape, int steps, double wallMsPerStep, List<Op> ops) {

        public double selfMsPerStep() {
            return ops.stream().mapToDouble(Op::selfMsPerStep).sum();
        }

        public double selfMsPerStep(Phase phase) {
            return ops.stream().filter(o -> o.phase() == phase).mapToDouble(Op::selfMsPerStep).sum();
        }

        /** A Markdown table of the {@code top} rows by self time, the rest summed in one row. */
        public String report(int top) {
            double total = selfMsPerStep();
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT,
                    "%s, input %s float32, training mode, %d profiled steps: %.2f ms per step with the profiler on; "
                            + "self time %.2f ms (forward %.2f, backward %.2f)%n%n",
                    layer, shape, steps, wallMsPerStep, total, selfMsPerStep(Phase.FORWARD),
                    selfMsPerStep(Phase.BACKWARD)));
            s.append("| op | phase | inputs | calls/step | self ms/step | share |\n|---|---|---|---:|---:|---:|\n");
            int shown = Math.min(top, ops.size());
            for (Op o : ops.subList(0, shown)) {
                s.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.2f | %.1f%% |%n", o.name(),
                        o.phase().name().toLowerCase(Locale.ROOT), o.shapes(), o.callsPerStep(), o.selfMsPerStep(),
                        100 * o.selfMsPerStep() / total));
            }
            if (shown < ops.size()) {
                List<Op> rest = ops.subList(shown, ops.size());
                double ms = rest.stream().mapToDouble(Op::selfMsPerStep).sum();
                double calls = rest.stream().mapToDouble(Op::callsPerStep).sum();
                s.append(String.format(Locale.ROOT, "| %d other rows | | | %.1f | %.2f | %.1f%% |%n", rest.size(), calls,
                        ms, 100 * ms / total));
            }
            return s.toString();
        }
    }

    /**
     * Profiles {@code steps} forward+backward steps of a fresh block (after {@code warmUp}
     * unprofiled ones) on a random input of {@code shape}, one PyTorch profile at a time.
     *
     * @throws IllegalArgumentException when the layer cannot be built for the shape's channels
     */
    public static synchronized Result run(String layer, NormActFactory factory, Shape shape, int warmUp, int steps) {
        Path trace;
        try {
            trace = Files.createTempFile("evonorm-profile", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            NDArray upstream = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
            Block block = factory.create((int) shape.get(1), NormPosition.NORM_ACT);
            block.initialize(manager, DataType.FLOAT32, shape);
            for (int i = 0; i < warmUp; i++) {
                try (NDManager owner = manager.newSubManager()) {
                    LayerBench.step(block, owner, LayerBench.freshInput(x, owner), upstream);
                }
            }
            // Every step's input is copied before the profiler starts, so the copies are not in it.
            NDManager inputs = manager.newSubManager();
            List<NDManager> owners = new ArrayList<>();
            List<NDArray> fresh = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                NDManager owner = inputs.newSubManager();
                owners.add(owner);
                fresh.add(LayerBench.freshInput(x, owner));
            }
            long start;
            long end;
            JniUtils.startProfile(false, true, false);
            try {
                start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    LayerBench.step(block, owners.get(i), fresh.get(i), upstream);
                }
                end = System.nanoTime();
            } finally {
                JniUtils.stopProfile(trace.toString());
                inputs.close();
            }
            double wallMs = (end - start) / 1e6 / steps;
            List<Op> ops = aggregate(new ObjectMapper().readTree(trace.toFile()), steps);
            return new Result(layer, shape, steps, wallMs, ops);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profiler's trace " + trace, e);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    private record Event(String name, String shapes, double start, double duration, List<Event> children) {
        double end() {
            return start + duration;
        }

        double self() {
            return duration - children.stream().mapToDouble(Event::duration).sum();
        }
    }

    private record Key(String name, Phase phase, String shapes) {
    }

    /**
     * Folds a Chrome-trace event list (PyTorch's profiler output: complete events "X" with ts and
     * dur in microseconds, nested by time on each thread) into rows, most self time first.
     * Package-private for tests.
     */
    static List<Op> aggregate(JsonNode trace, int steps) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        Map<String, List<Event>> byThread = new LinkedHashMap<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur")) {
                continue;
            }
            byThread.computeIfAbsent(e.path("tid").asText(), t -> new ArrayList<>())
                    .add(new Event(e.path("name").asText(), shapes(e.path("shape")), e.path("ts").asDouble(),
                            e.path("dur").asDouble(), new ArrayList<>()));
        }
        // Each event with its row; self times are taken once every event's children are known.
        List<Map.Entry<Key, Event>> keyed = new ArrayList<>();
        for (List<Event> thread : byThread.values()) {
            // Parents before children: earlier start first, and the longer of two that start together.
            thread.sort(Comparator.comparingDouble(Event::start).thenComparing(Event::duration, Comparator.reverseOrder()));
            Deque<Event> open = new ArrayDeque<>();
            Deque<Boolean> openInBackward = new ArrayDeque<>();
            for (Event e : thread) {
                while (!open.isEmpty() && open.peek().end() <= e.start()) {
                    open.pop();
                    openInBackward.pop();
                }
                boolean backward = e.name().startsWith(BACKWARD_MARK) || (!openInBackward.isEmpty() && openInBackward.peek());
                if (!open.isEmpty()) {
                    open.peek().children().add(e);
                }
                open.push(e);
                openInBackward.push(backward);
                keyed.add(Map.entry(new Key(e.name(), backward ? Phase.BACKWARD : Phase.FORWARD, e.shapes()), e));
            }
        }
        Map<Key, double[]> rows = new LinkedHashMap<>(); // calls, self µs
        for (Map.Entry<Key, Event> k : keyed) {
            double[] row = rows.computeIfAbsent(k.getKey(), key -> new double[2]);
            row[0]++;
            row[1] += k.getValue().self();
        }
        return rows.entrySet().stream()
                .map(r -> new Op(r.getKey().name(), r.getKey().phase(), r.getKey().shapes(), r.getValue()[0] / steps,
                        r.getValue()[1] / 1000 / steps))
                .sorted(Comparator.comparingDouble(Op::selfMsPerStep).reversed())
                .collect(Collectors.toList());
    }

    /** {@code [[64,32,32,32],[],[1,32,1,1]]} → {@code 64×32×32×32, 1×32×1×1}. */
    private static String shapes(JsonNode shapeList) {
        List<String> tensors = new ArrayList<>();
        for (JsonNode dims : shapeList) {
            if (dims.isArray() && dims.size() > 0) {
                List<String> d = new ArrayList<>();
                dims.forEach(v -> d.add(v.asText()));
                tensors.add(String.join("×", d));
            }
        }
        return String.join(", ", tensors);
    }
}

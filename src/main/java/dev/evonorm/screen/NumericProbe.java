package dev.evonorm.screen;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.layers.GraphBlock;
import dev.evonorm.layers.LayerOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs a candidate layer alone on fixed random inputs and derives two things from the outputs: the
 * numeric sanity screen (NaN/Inf in the output or in the input gradient, a constant output) and the
 * functional hash.
 *
 * <p>The functional hash is a digest of the outputs, rounded, on fixed inputs with v0 and v1 set to
 * fixed random values (not their initial 0 and 1, which would make {@code v1·x} and {@code x}
 * look the same). 64 channels make groups of two, so group and instance statistics differ.
 * Layers that compute the same function get the same hash; rounding keeps 10 significant bits so
 * that different evaluation orders of one function agree. Equal outputs on these inputs from
 * different functions are possible in principle and vanishingly rare in practice.
 *
 * <p>Under {@link FunctionalHash#TRAINING} (the default) a vector that training never moves is
 * hashed at its initial value, and the hash is the smaller of the digests at +v0 and −v0. "Never
 * moves" is read off gradients on the first probe input: both vectors' gradients exactly zero at
 * (v0, v1) = (0, 1), or one vector's zero there and also with the other at its random value (the
 * other may move). Both tests cost a few more passes on the probe's small tensors, only for layers
 * that read v0 or v1. The sanity screen always runs at the random values, whatever the scheme.
 */
public final class NumericProbe {
    /** Inputs: (batch, channels, height, width). Two shapes so that spatial size and batch both vary. */
    static final Shape[] SHAPES = {new Shape(4, 64, 3, 3), new Shape(3, 64, 2, 4)};
    private static final long INPUT_SEED = 0x5EED_1234L;
    /** Keep 10 of float's 23 mantissa bits. */
    private static final int ROUNDING_MASK = 0xFFFF_E000;

    private NumericProbe() {
    }

    /** What the probe found: a rejection reason (if any) and the functional hash. */
    public record Result(Optional<String> problem, String functionalHash) {
    }

    /** The probe with the default {@link FunctionalHash#TRAINING} hash. */
    public static Result probe(LayerGraph graph, LayerOptions options) {
        return probe(graph, options, FunctionalHash.TRAINING);
    }

    public static Result probe(LayerGraph graph, LayerOptions options, FunctionalHash scheme) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Optional<String> problem = Optional.empty();
            List<Input> inputs = new ArrayList<>();
            List<float[]> outputs = new ArrayList<>();
            for (Shape shape : SHAPES) {
                Input in = Input.draw(graph, shape);
                Pass pass = in.run(graph, options, manager, in.v0, in.v1, true);
                if (problem.isEmpty()) {
                    problem = sanity(pass.output(), pass.inputGradient());
                }
                inputs.add(in);
                outputs.add(pass.output());
            }
            String hash = scheme == FunctionalHash.OUTPUTS ? digest(outputs) : trainingHash(graph, options, manager, inputs, outputs);
            return new Result(problem, hash);
        }
    }

    /**
     * The {@link FunctionalHash#TRAINING} digest; {@code outputs} are the probe's outputs at the
     * random values, reused when neither vector is frozen.
     */
    private static String trainingHash(LayerGraph graph, LayerOptions options, NDManager manager, List<Input> inputs,
            List<float[]> outputs) {
        Input first = inputs.get(0);
        boolean readsV0 = first.v0 != null;
        boolean readsV1 = first.v1 != null;
        float[] zeros = new float[first.channels()];
        float[] ones = new float[first.channels()];
        Arrays.fill(ones, 1f);
        boolean v0Frozen = false;
        boolean v1Frozen = false;
        if (readsV0 || readsV1) {
            Pass atInit = first.run(graph, options, manager, readsV0 ? zeros : null, readsV1 ? ones : null, true);
            boolean v0StillAtInit = readsV0 && allZero(atInit.v0Gradient());
            boolean v1StillAtInit = readsV1 && allZero(atInit.v1Gradient());
            if (readsV0 && readsV1 && v0StillAtInit && v1StillAtInit) {
                // Neither moves at the start, so neither ever moves.
                v0Frozen = true;
                v1Frozen = true;
            } else {
                // One may move; the other is frozen only if its gradient stays zero when it does.
                v0Frozen = v0StillAtInit
                        && (!readsV1 || allZero(first.run(graph, options, manager, zeros, first.v1, true).v0Gradient()));
                v1Frozen = v1StillAtInit
                        && (!readsV0 || v0Frozen || allZero(first.run(graph, options, manager, first.v0, ones, true).v1Gradient()));
            }
        }
        boolean mirror = readsV0 && !v0Frozen;
        List<float[]> plus = new ArrayList<>();
        List<float[]> minus = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            float[] v0 = v0Frozen ? zeros : in.v0;
            float[] v1 = v1Frozen ? ones : in.v1;
            plus.add(v0Frozen || v1Frozen ? in.run(graph, options, manager, v0, v1, false).output() : outputs.get(i));
            if (mirror) {
                minus.add(in.run(graph, options, manager, negated(in.v0), v1, false).output());
            }
        }
        String a = digest(plus);
        if (!mirror) {
            return a;
        }
        String b = digest(minus);
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** One probe input and the random values of the vectors the graph reads (null when it does not read one). */
    private record Input(Shape shape, float[] x, float[] v0, float[] v1) {

        /** The same draws, in the same order, as every earlier version of the probe: x, then v0, then v1. */
        static Input draw(LayerGraph graph, Shape shape) {
            SplittableRandom rng = new SplittableRandom(INPUT_SEED + shape.get(0));
            float[] x = new float[(int) shape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * 1.5 + 0.2);
            }
            boolean[] live = graph.liveNodes();
            float[] v0 = live[LayerGraph.V0] ? randomVector(rng, (int) shape.get(1)) : null;
            float[] v1 = live[LayerGraph.V1] ? randomVector(rng, (int) shape.get(1)) : null;
            return new Input(shape, x, v0, v1);
        }

        private static float[] randomVector(SplittableRandom rng, int n) {
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (float) (0.5 + rng.nextDouble());
            }
            return values;
        }

        int channels() {
            return (int) shape.get(1);
        }

        /**
         * One forward pass in training mode with v0 and v1 at the given values (a fresh block, so
         * nothing accumulates between passes); with gradients, also the backward pass of a fixed
         * weighted sum of the output.
         */
        Pass run(LayerGraph graph, LayerOptions options, NDManager manager, float[] v0Values, float[] v1Values,
                boolean gradients) {
            try (NDManager step = manager.newSubManager()) {
                GraphBlock block = new GraphBlock(graph, options);
                block.initialize(step, DataType.FLOAT32, shape);
                NDArray v0 = null;
                NDArray v1 = null;
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (p.getKey().equals("v0")) {
                        v0 = p.getValue().getArray();
                        v0.set(v0Values);
                    } else if (p.getKey().equals("v1")) {
                        v1 = p.getValue().getArray();
                        v1.set(v1Values);
                    }
                }
                NDArray in = step.create(x, shape);
                if (!gradients) {
                    NDArray y = block.forward(new ParameterStore(step, false), new NDList(in), true).singletonOrThrow();
                    return new Pass(y.toFloatArray(), null, null, null);
                }
                in.setRequiresGradient(true);
                float[] output;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = block.forward(new ParameterStore(step, false), new NDList(in), true).singletonOrThrow();
                    output = y.toFloatArray();
                    collector.backward(y.mul(step.create(weights(output.length), y.getShape())).sum());
                }
                return new Pass(output, in.getGradient().toFloatArray(), v0 == null ? null : v0.getGradient().toFloatArray(),
                        v1 == null ? null : v1.getGradient().toFloatArray());
            }
        }
    }

    /** What one pass produced; the gradients are null when not computed or when the block has no such vector. */
    private record Pass(float[] output, float[] inputGradient, float[] v0Gradient, float[] v1Gradient) {
    }

    private static boolean allZero(float[] gradient) {
        for (float g : gradient) {
            if (g != 0f) { // NaN is not zero either
                return false;
            }
        }
        return true;
    }

    private static float[] negated(float[] values) {
        float[] n = new float[values.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = -values[i];
        }
        return n;
    }

    /** Fixed, varied output weights, so the gradient check sees every output element. */
    private static float[] weights(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) Math.sin(0.7 * i + 0.3);
        }
        return w;
    }

    static Optional<String> sanity(float[] output, float[] gradient) {
        int nonFinite = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : output) {
            if (!Float.isFinite(v)) {
                nonFinite++;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (nonFinite > 0) {
            return Optional.of("output has " + nonFinite + " NaN/Inf values on random input");
        }
        if (max - min <= 1e-6 * Math.max(1, Math.abs(max))) {
            return Optional.of("output is constant (" + (float) min + ") on random input");
        }
        for (float g : gradient) {
            if (!Float.isFinite(g)) {
                return Optional.of("gradient with respect to the input has NaN/Inf values");
            }
        }
        return Optional.empty();
    }

    private static String digest(List<float[]> outputs) {
        MessageDigest digest = sha256();
        for (float[] output : outputs) {
            update(digest, output);
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    private static void update(MessageDigest digest, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            int bits;
            if (Float.isNaN(v)) {
                bits = 0x7FC0_0000;
            } else if (v == 0f) {
                bits = 0;
            } else {
                bits = Float.floatToIntBits(v) & ROUNDING_MASK;
            }
            buffer.putInt(bits);
        }
        digest.update(buffer.array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}

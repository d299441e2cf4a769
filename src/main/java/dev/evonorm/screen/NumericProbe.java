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
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs a candidate layer alone on fixed random inputs, once, and derives two things from the
 * outputs: the numeric sanity screen (NaN/Inf in the output or in the input gradient, a constant
 * output) and the functional hash.
 *
 * <p>The functional hash is a digest of the outputs, rounded, on fixed inputs with v0 and v1 set to
 * fixed random values (not their initial 0 and 1, which would make {@code v1·x} and {@code x}
 * look the same). 64 channels make groups of two, so group and instance statistics differ.
 * Layers that compute the same function get the same hash; rounding keeps 10 significant bits so
 * that different evaluation orders of one function agree. Equal outputs on these inputs from
 * different functions are possible in principle and vanishingly rare in practice.
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

    public static Result probe(LayerGraph graph, LayerOptions options) {
        MessageDigest digest = sha256();
        Optional<String> problem = Optional.empty();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Shape shape : SHAPES) {
                SplittableRandom rng = new SplittableRandom(INPUT_SEED + shape.get(0));
                float[] input = new float[(int) shape.size()];
                for (int i = 0; i < input.length; i++) {
                    input[i] = (float) (rng.nextGaussian() * 1.5 + 0.2);
                }
                GraphBlock block = new GraphBlock(graph, options);
                block.initialize(manager, DataType.FLOAT32, shape);
                for (Pair<String, Parameter> p : block.getParameters()) {
                    String name = p.getKey();
                    if (name.equals("v0") || name.equals("v1")) {
                        NDArray a = p.getValue().getArray();
                        float[] values = new float[(int) a.size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = (float) (0.5 + rng.nextDouble());
                        }
                        a.set(values);
                    }
                }
                float[] output;
                float[] gradient;
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(input, shape);
                    x.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray y = block.forward(new ParameterStore(step, false), new NDList(x), true).singletonOrThrow();
                        output = y.toFloatArray();
                        collector.backward(y.mul(step.create(weights(output.length), y.getShape())).sum());
                    }
                    gradient = x.getGradient().toFloatArray();
                }
                if (problem.isEmpty()) {
                    problem = sanity(output, gradient);
                }
                update(digest, output);
            }
        }
        return new Result(problem, HexFormat.of().formatHex(digest.digest(), 0, 8));
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

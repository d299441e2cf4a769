package dev.evonorm.layers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Runs DJL blocks in tests: initialize, set parameters, forward with gradients, read results. */
final class Harness {
    private Harness() {
    }

    record Result(float[] output, float[] inputGradient, Map<String, float[]> parameterGradients) {
    }

    static Block initialized(Block block, NDManager manager, Shape shape) {
        block.initialize(manager, DataType.FLOAT32, shape);
        return block;
    }

    /** Sets per-channel parameter {@code name} (a parameter of the block or of any child). */
    static void set(Block block, String name, double[] values) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name) || p.getKey().endsWith("_" + name)) {
                float[] f = new float[values.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) values[i];
                }
                p.getValue().getArray().set(f);
                return;
            }
        }
        throw new IllegalArgumentException("no parameter " + name + " in " + block.getParameters().keys());
    }

    static float[] get(Block block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name) || p.getKey().endsWith("_" + name)) {
                return p.getValue().getArray().toFloatArray();
            }
        }
        throw new IllegalArgumentException("no parameter " + name + " in " + block.getParameters().keys());
    }

    /**
     * Forward in the given mode and backward of Σ weights·output; temporaries live in a
     * sub-manager closed at the end.
     */
    static Result run(Block block, NDManager manager, double[] x, Shape shape, double[] weights, boolean training) {
        zeroGradients(block);
        try (NDManager step = manager.newSubManager()) {
            NDArray input = step.create(toFloat(x), shape);
            input.setRequiresGradient(true);
            ParameterStore store = new ParameterStore(step, false);
            float[] out;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = block.forward(store, new NDList(input), training).singletonOrThrow();
                out = y.toFloatArray();
                NDArray loss = y.mul(step.create(toFloat(weights), shape)).sum();
                collector.backward(loss);
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray array = p.getValue().getArray();
                if (p.getValue().requiresGradient()) {
                    try (NDArray g = array.getGradient()) {
                        grads.put(p.getKey(), g.toFloatArray());
                    }
                }
            }
            return new Result(out, input.getGradient().toFloatArray(), grads);
        }
    }

    /** PyTorch accumulates gradients across backward passes; DJL does not reset them for us. */
    static void zeroGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (p.getValue().requiresGradient() && array.hasGradient()) {
                try (NDArray g = array.getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    /** Only a forward pass (no gradient recording). */
    static float[] forward(Block block, NDManager manager, double[] x, Shape shape, boolean training) {
        try (NDManager step = manager.newSubManager()) {
            NDArray input = step.create(toFloat(x), shape);
            return block.forward(new ParameterStore(step, false), new NDList(input), training)
                    .singletonOrThrow().toFloatArray();
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Values with |v| in [lo, hi] and random sign: away from the kinks of abs, sign and max at 0. */
    static double[] awayFromZero(Random rng, int size, double lo, double hi) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            double m = lo + (hi - lo) * rng.nextDouble();
            v[i] = rng.nextBoolean() ? m : -m;
        }
        return v;
    }

    static double[] uniform(Random rng, int size, double lo, double hi) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return v;
    }

    /** Norm-wise relative error ‖a − ref‖₂ / max(‖ref‖₂, 1e-3·√n). */
    static double relativeError(float[] a, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (a[i] - ref[i]) * (a[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-3 * Math.sqrt(ref.length));
    }

    static double relativeError(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = b[i];
        }
        return relativeError(a, d);
    }
}

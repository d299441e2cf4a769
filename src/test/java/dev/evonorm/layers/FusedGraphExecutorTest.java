package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused graph executor (native/evonorm_graph.cpp with GraphStages) against GraphBlock's
 * composition of DJL's ops, on the published graphs and on random graphs of both search spaces:
 * outputs, the input gradient and every parameter gradient in training, then inference after the
 * running statistics moved, agree element by element — the same NaN and infinity pattern, finite
 * values within float rounding of each other.
 */
class FusedGraphExecutorTest extends ManagerPerClass {
    @Test
    void publishedGraphsAgreeWithTheComposedForm() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        for (Map.Entry<String, LayerGraph> e : PublishedGraphs.byName().entrySet()) {
            // Rows shorter than the executor's chunk (several rows per chunk) and longer (a row in
            // two chunks, the second partial).
            for (Shape shape : List.of(new Shape(3, 8, 5, 4), new Shape(2, 4, 40, 30))) {
                List<String> problems = compare(e.getValue(), new Random(e.getKey().hashCode()), shape, 1e-3);
                assertTrue(problems.isEmpty(), e.getKey() + " on " + shape + ": " + problems);
            }
        }
    }

    @Test
    void randomGraphsAgreeWithTheComposedForm() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        Random rng = new Random(20261203);
        int graphs = Integer.getInteger("evonorm.test.graphs", 1000);
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < graphs; k++) {
            SearchSpace space = k % 2 == 0 ? SearchSpace.BATCH_DEPENDENT : SearchSpace.BATCH_INDEPENDENT;
            LayerGraph graph = RandomGraphs.generate(space, rng);
            List<String> problems = compare(graph, new Random(rng.nextLong()), k % 3 == 0 ? new Shape(2, 4, 3, 3) : new Shape(3, 6, 5, 4), 1e-3);
            if (!problems.isEmpty()) {
                failures.add(graph + ": " + problems);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + graphs + " graphs differ:\n" + String.join("\n", failures));
    }

    /** Differences between the fused and the composed form of one graph (empty when they agree). */
    private static List<String> compare(LayerGraph graph, Random rng, Shape shape, double tolerance) {
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(2));
        int channels = (int) shape.get(1);
        GraphBlock fused = new GraphBlock(graph, options, true);
        GraphBlock composed = new GraphBlock(graph, options, false);
        Harness.initialized(fused, manager, shape);
        Harness.initialized(composed, manager, shape);
        double[] v0 = Harness.uniform(rng, channels, -0.5, 0.5);
        double[] v1 = Harness.uniform(rng, channels, 0.5, 1.5);
        double[] gamma = Harness.uniform(rng, channels, 0.5, 1.5);
        double[] beta = Harness.uniform(rng, channels, -0.5, 0.5);
        for (GraphBlock b : new GraphBlock[] {fused, composed}) {
            if (b.getParameters().keys().contains("v0")) {
                Harness.set(b, "v0", v0);
            }
            if (b.getParameters().keys().contains("v1")) {
                Harness.set(b, "v1", v1);
            }
            Harness.set(b, "gamma", gamma);
            Harness.set(b, "beta", beta);
        }
        List<String> problems = new ArrayList<>();
        int size = (int) shape.size();
        for (int step = 0; step < 3; step++) {
            boolean training = step < 2;
            double[] x = Harness.uniform(rng, size, -3, 3);
            double[] w = Harness.uniform(rng, size, -1, 1);
            Harness.Result a = Harness.run(fused, manager, x, shape, w, training);
            Harness.Result b = Harness.run(composed, manager, x, shape, w, training);
            String mode = training ? "training step " + step : "inference";
            check(problems, mode + " output", a.output(), b.output(), tolerance);
            if (!allFinite(b.output())) {
                // A non-finite output is a rejected layer; sums of ±∞ in its gradients (NaN or ∞
                // by the order of the terms) say nothing.
                continue;
            }
            check(problems, mode + " d/dx", a.inputGradient(), b.inputGradient(), tolerance);
            for (String name : b.parameterGradients().keySet()) {
                float[] fa = a.parameterGradients().get(name);
                if (fa == null) {
                    problems.add(mode + ": no gradient for " + name);
                } else {
                    check(problems, mode + " d/d" + name, fa, b.parameterGradients().get(name), tolerance);
                }
            }
        }
        return problems;
    }

    private static double maxFinite(float[] values) {
        double max = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Same non-finite pattern; finite values within {@code tolerance} of each other relative to the
     * larger of the two and to the array's scale (an element that is a near-cancellation of large
     * terms is judged against the scale of the array).
     */
    private static void check(List<String> problems, String what, float[] a, float[] b, double tolerance) {
        double scale = 0;
        for (float v : b) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        if (scale < 1e-4 && maxFinite(a) < 1e-4) {
            // Numerically zero in both: a piecewise-constant layer (v/v, v/|v|) whose gradient is
            // rounding noise of its terms (seen: 0 against 1.5e-5 where v/v's terms g/v were ~100),
            // a different noise in each form.
            return;
        }
        for (int i = 0; i < a.length; i++) {
            float p = a[i];
            float q = b[i];
            if (Float.isNaN(p) || Float.isNaN(q)) {
                if (Float.isNaN(p) != Float.isNaN(q)) {
                    problems.add(what + "[" + i + "]: " + p + " vs " + q);
                    return;
                }
                continue;
            }
            if (Float.isInfinite(p) || Float.isInfinite(q)) {
                if (p != q) {
                    problems.add(what + "[" + i + "]: " + p + " vs " + q);
                    return;
                }
                continue;
            }
            // Relative, with floors: the array's scale (a near-cancellation of large terms) and 1e-6
            // (a sum of O(1) terms that cancels to 0 in one order of summation and to 1e-7 in another).
            double bound = tolerance * Math.max(Math.max(Math.abs(p), Math.abs(q)), 1e-3 * scale) + 1e-6;
            if (Math.abs(p - q) > bound) {
                problems.add(what + "[" + i + "]: " + p + " vs " + q);
                return;
            }
        }
    }
}

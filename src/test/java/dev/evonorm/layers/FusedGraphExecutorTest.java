package dev.evonorm.layers;

import static dev.evonorm.graph.Node.binary;
import static dev.evonorm.graph.Node.unary;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused graph executor (native/evonorm_graph*.cpp with GraphPlan) against GraphBlock's
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

    /**
     * Every element-wise op where the gradients of its operands also arrive from elsewhere (the
     * executor writes a buffer's first gradient and adds the rest, in an order fixed per program):
     * between two full values, against a statistic on either side, and with one value on both sides.
     */
    @Test
    void everyOpAgreesWhereGradientsMeet() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        List<String> failures = new ArrayList<>();
        for (Primitive op : Primitive.values()) {
            if (op.isAggregate()) {
                continue;
            }
            List<LayerGraph> graphs = new ArrayList<>();
            if (op.arity() == 1) {
                // n4 = tanh(x), n5 = op(n4), n6 = n5 + n4, out = n6·x
                graphs.add(LayerGraph.of(unary(Primitive.TANH, 0), unary(op, 4), binary(Primitive.ADD, 5, 4),
                        binary(Primitive.MUL, 6, 0)));
                // The op of a product, quotient or sum with a statistic, or of both (fused with it),
                // on u = σ(x) so that log and root stay away from their pole at 0 (near it the row
                // sums of their gradients are rounding noise in either form): n4 = s²_hw(x),
                // n5 = σ(x), n6 = n5·n4 | n5/n4 | n5 + n4, out = op(n6)·x; and op(n5·n4 + v1)·x.
                for (Primitive inner : List.of(Primitive.MUL, Primitive.DIV, Primitive.ADD)) {
                    graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.SIGMOID, 0),
                            binary(inner, 5, 4), unary(op, 6), binary(Primitive.MUL, 7, 0)));
                }
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.SIGMOID, 0),
                        binary(Primitive.MUL, 5, 4), binary(Primitive.ADD, 6, 3), unary(op, 7), binary(Primitive.MUL, 8, 0)));
            } else {
                // Two full values: n4 = tanh(x), n5 = op(x, n4), n6 = n5 + n4, out = n6·x.
                graphs.add(LayerGraph.of(unary(Primitive.TANH, 0), binary(op, 0, 4), binary(Primitive.ADD, 5, 4),
                        binary(Primitive.MUL, 6, 0)));
                // A statistic on either side of u = σ(x) (kept away from 0: a quotient by x itself
                // makes gradients that are rounding noise of cancelling terms): n4 = s²_hw(x),
                // n5 = σ(x), n6 = op(n4, n5), n7 = op(n5, n4), out = (n6 + n7)·x.
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.SIGMOID, 0), binary(op, 4, 5),
                        binary(op, 5, 4), binary(Primitive.ADD, 6, 7), binary(Primitive.MUL, 8, 0)));
                // A batch statistic and a parameter: n4 = s²_bhw(x), n5 = op(x, v1), n6 = op(n5, n4), out = n6 + x.
                graphs.add(LayerGraph.of(unary(Primitive.VAR_BATCH, 0), binary(op, 0, 3), binary(op, 5, 4),
                        binary(Primitive.ADD, 6, 0)));
                // One value on both sides: n4 = tanh(x), n5 = op(n4, n4), out = n5 + n4.
                graphs.add(LayerGraph.of(unary(Primitive.TANH, 0), binary(op, 4, 4), binary(Primitive.ADD, 5, 4)));
            }
            failures.addAll(compareOnTwoShapes(graphs));
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * The pairs the executor fuses into one scale-and-shift (a·s + t, a/s + t, (a + t)·s, (a + t)/s,
     * −a + t), alone and under a max against a statistic, and the output fused with a last product, quotient or quotient of full values, with
     * both statistics per row (instance) and per channel (batch).
     */
    @Test
    void fusedChainsAgree() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        List<LayerGraph> graphs = new ArrayList<>();
        for (Primitive first : List.of(Primitive.MUL, Primitive.DIV, Primitive.ADD, Primitive.NEG)) {
            for (Primitive second : List.of(Primitive.ADD, Primitive.MUL, Primitive.DIV)) {
                // n4 = s²_hw(x), n5 = s²_bhw(x), n6 = first(x, n4) or −x, n7 = second(n6, n5): as the
                // output, and as an inner value (out = n7·σ(x)).
                Node one = first == Primitive.NEG ? unary(first, 0) : binary(first, 0, 4);
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.VAR_BATCH, 0), one,
                        binary(second, 6, 5)));
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.VAR_BATCH, 0), one,
                        binary(second, 6, 5), unary(Primitive.SIGMOID, 0), binary(Primitive.MUL, 7, 8)));
                // The pair under a max against a statistic (fused too), either side: x / max(n7, n4)
                // and max(n5, n7)·x.
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.VAR_BATCH, 0), one,
                        binary(second, 6, 5), binary(Primitive.MAX, 7, 4), binary(Primitive.DIV, 0, 8)));
                graphs.add(LayerGraph.of(unary(Primitive.VAR_INSTANCE, 0), unary(Primitive.VAR_BATCH, 0), one,
                        binary(second, 6, 5), binary(Primitive.MAX, 5, 7), binary(Primitive.MUL, 8, 0)));
            }
        }
        // Outputs: x/σ(x), x·σ(x)/√s², and a quotient whose divisor also feeds a moment.
        graphs.add(LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.DIV, 0, 4)));
        graphs.add(LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.MUL, 0, 4), unary(Primitive.VAR_GROUP, 0),
                unary(Primitive.SIGNED_SQRT, 6), binary(Primitive.DIV, 5, 7)));
        graphs.add(LayerGraph.of(unary(Primitive.SIGMOID, 0), unary(Primitive.VAR_INSTANCE, 4), binary(Primitive.DIV, 0, 4),
                binary(Primitive.ADD, 6, 5)));
        List<String> failures = compareOnTwoShapes(graphs);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** compare() on rows shorter than a chunk and on rows longer than one; one line per difference. */
    private static List<String> compareOnTwoShapes(List<LayerGraph> graphs) {
        List<String> failures = new ArrayList<>();
        for (LayerGraph graph : graphs) {
            for (Shape shape : List.of(new Shape(3, 4, 5, 4), new Shape(2, 2, 40, 30))) {
                // Seeded by the graph's text: a record's hashCode differs between JVM runs (enums hash by identity).
                List<String> problems = compare(graph, new Random(graph.toString().hashCode()), shape, 1e-3);
                if (!problems.isEmpty()) {
                    failures.add(graph + " on " + shape + ": " + problems);
                }
            }
        }
        return failures;
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

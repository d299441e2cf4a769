package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.PublishedGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every primitive (in several graph contexts, so reduced-shape and deferred paths are exercised)
 * and every named layer agree with the double-precision {@link DoubleReference}: forward with a
 * norm-wise relative error ≤ 1e-4 (‖djl − ref‖₂ / ‖ref‖₂, see {@link Harness#relativeError}),
 * gradients w.r.t. x and every per-channel parameter within 2e-3 of central finite differences
 * of the reference (step 1e-5 in double). Inputs are kept away from the kinks of abs, sign and max.
 */
class ReferenceAgreementTest {
    private static final int N = 3;
    private static final int C = 4;
    private static final int H = 3;
    private static final int W = 2;
    private static final Shape SHAPE = new Shape(N, C, H, W);
    private static final double FORWARD_TOLERANCE = 1e-4;
    private static final double GRADIENT_TOLERANCE = 2e-3;
    private static NDManager manager;
    private final DoubleReference ref = new DoubleReference(N, C, H, W);

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Graphs that use one primitive on full and on reduced operands. */
    static List<LayerGraph> contextsOf(Primitive op) {
        List<LayerGraph> graphs = new ArrayList<>();
        int x = LayerGraph.INPUT;
        if (op.arity() == 1) {
            graphs.add(LayerGraph.of(Node.unary(op, x)));                                          // full
            graphs.add(LayerGraph.of(Node.binary(Primitive.MUL, LayerGraph.V1, x), Node.unary(op, 4)));  // deferred affine input
            graphs.add(LayerGraph.of(Node.unary(Primitive.VAR_INSTANCE, x), Node.unary(op, 4),
                    Node.binary(Primitive.MUL, x, 5)));                                            // reduced input
            graphs.add(LayerGraph.of(Node.binary(Primitive.ADD, LayerGraph.V1, LayerGraph.V0),
                    Node.unary(op, 4), Node.binary(Primitive.ADD, x, 5)));                         // per-channel input
            graphs.add(LayerGraph.of(Node.unary(Primitive.SQUARE, x), Node.unary(op, 4)));        // deferred square input
        } else {
            graphs.add(LayerGraph.of(Node.unary(Primitive.TANH, x), Node.binary(op, x, 4)));      // full, full
            graphs.add(LayerGraph.of(Node.binary(op, x, LayerGraph.V1)));                         // full, channel
            graphs.add(LayerGraph.of(Node.binary(op, LayerGraph.V1, x)));                         // channel, full
            graphs.add(LayerGraph.of(Node.unary(Primitive.VAR_INSTANCE, x), Node.binary(op, 4, x),
                    Node.binary(op, 5, 4)));                                                       // reduced, full
            graphs.add(LayerGraph.of(Node.unary(Primitive.NEG, x), Node.binary(op, 4, LayerGraph.V1)));
        }
        return graphs;
    }

    @TestFactory
    List<DynamicTest> everyPrimitiveAgreesWithTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Primitive op : Primitive.all()) {
            List<LayerGraph> contexts = contextsOf(op);
            for (int k = 0; k < contexts.size(); k++) {
                LayerGraph graph = contexts.get(k);
                tests.add(DynamicTest.dynamicTest(op.token() + " context " + k,
                        () -> checkGraph(graph, 11 + graph.toString().hashCode())));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> publishedGraphsAgreeWithTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, LayerGraph> e : PublishedGraphs.byName().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey() + "-graph", () -> checkGraph(e.getValue(), 5)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> namedLayersAgreeWithTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("evonorm-b0", "evonorm-b1", "evonorm-b2", "evonorm-s0", "evonorm-s1",
                "evonorm-s2", "gn-relu", "in-relu", "ln-relu", "frn-tlu", "relu", "bn-relu", "bn-silu")) {
            tests.add(DynamicTest.dynamicTest(name, () -> checkNamed(name, name, 7)));
        }
        for (String name : List.of("evonorm-b0", "evonorm-b1", "evonorm-b2", "evonorm-s0", "evonorm-s1", "evonorm-s2")) {
            tests.add(DynamicTest.dynamicTest(name + "-graph", () -> checkNamed(name + "-graph", name, 8)));
        }
        // Variants: timm's eps 1e-3, and what each family becomes where the host has no activation.
        tests.add(DynamicTest.dynamicTest("evonorm-b0-timm", () -> checkNamed("evonorm-b0-timm", "evonorm-b0", 1e-3, NormPosition.NORM_ACT, 9)));
        tests.add(DynamicTest.dynamicTest("evonorm-s0a", () -> checkNamed("evonorm-s0a", "evonorm-s0", 1e-3, NormPosition.NORM_ACT, 9)));
        tests.add(DynamicTest.dynamicTest("evonorm-s0a norm-only", () -> checkNamed("evonorm-s0a", "normalize-group-std", 1e-3, NormPosition.NORM_ONLY, 9)));
        tests.add(DynamicTest.dynamicTest("evonorm-s1a norm-only", () -> checkNamed("evonorm-s1a", "normalize-group-std", 1e-3, NormPosition.NORM_ONLY, 9)));
        tests.add(DynamicTest.dynamicTest("evonorm-s2a norm-only", () -> checkNamed("evonorm-s2a", "normalize-group-rms", 1e-3, NormPosition.NORM_ONLY, 9)));
        // The B-series fold γ into the denominator while every γ > 0; one negative γ takes the plain path.
        for (String name : List.of("evonorm-b0", "evonorm-b1", "evonorm-b2")) {
            tests.add(DynamicTest.dynamicTest(name + " with a negative gamma",
                    () -> checkNamed(name, name, 1e-5, NormPosition.NORM_ACT, 10, true)));
        }
        for (String name : List.of("evonorm-b0", "evonorm-b0-timm", "evonorm-s0", "evonorm-s1-graph", "evonorm-b2-graph")) {
            tests.add(DynamicTest.dynamicTest(name + " norm-only (official: affine)",
                    () -> checkNamed(name, "affine", 1e-5, NormPosition.NORM_ONLY, 9)));
        }
        return tests;
    }

    private DoubleReference.Params randomParams(Random rng, double eps, int groups) {
        return new DoubleReference.Params(Harness.uniform(rng, C, -0.5, 0.5), Harness.uniform(rng, C, 0.5, 1.5),
                Harness.uniform(rng, C, 0.5, 1.5), Harness.uniform(rng, C, -0.5, 0.5), eps, groups, null);
    }

    private void checkGraph(LayerGraph graph, long seed) {
        Random rng = new Random(seed);
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(2));
        DoubleReference.Params p = randomParams(rng, 1e-5, 2);
        double[] x = Harness.awayFromZero(rng, ref.size(), 0.2, 2.0);
        double[] weights = Harness.uniform(rng, ref.size(), -1, 1);
        GraphBlock block = new GraphBlock(graph, options);
        Harness.initialized(block, manager, SHAPE);
        boolean[] live = graph.liveNodes();
        if (live[LayerGraph.V0]) {
            Harness.set(block, "v0", p.v0());
        }
        if (live[LayerGraph.V1]) {
            Harness.set(block, "v1", p.v1());
        }
        Harness.set(block, "gamma", p.gamma());
        Harness.set(block, "beta", p.beta());
        Function<DoubleReference.Params, Function<double[], double[]>> model = q -> in -> ref.runGraph(graph, in, q);
        compare(graph.toString(), block, x, weights, p, model, live);
    }

    private void checkNamed(String factoryName, String referenceName, long seed) {
        checkNamed(factoryName, referenceName, 1e-5, NormPosition.NORM_ACT, seed);
    }

    private void checkNamed(String factoryName, String referenceName, double eps, NormPosition position, long seed) {
        checkNamed(factoryName, referenceName, eps, position, seed, false);
    }

    private void checkNamed(String factoryName, String referenceName, double eps, NormPosition position, long seed,
            boolean oneNegativeGamma) {
        Random rng = new Random(seed + factoryName.hashCode());
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(2));
        DoubleReference.Params p = randomParams(rng, eps, 2);
        if (oneNegativeGamma) {
            p.gamma()[1] = -p.gamma()[1];
        }
        double[] tau = Harness.uniform(rng, C, -0.3, 0.3);
        double[] x = Harness.awayFromZero(rng, ref.size(), 0.2, 2.0);
        double[] weights = Harness.uniform(rng, ref.size(), -1, 1);
        Block block = Layers.factory(factoryName, options).create(C, position);
        Harness.initialized(block, manager, SHAPE);
        boolean hasV1 = block.getParameters().keys().stream().anyMatch(k -> k.endsWith("v1"));
        boolean hasTau = block.getParameters().keys().stream().anyMatch(k -> k.endsWith("tau"));
        boolean hasAffine = !referenceName.equals("relu");
        if (hasV1) {
            Harness.set(block, "v1", p.v1());
        }
        if (hasTau) {
            Harness.set(block, "tau", tau);
        }
        if (hasAffine) {
            Harness.set(block, "gamma", p.gamma());
            Harness.set(block, "beta", p.beta());
        }
        Function<DoubleReference.Params, Function<double[], double[]>> model =
                q -> in -> ref.named(referenceName, in, q, null, tau);
        boolean[] live = new boolean[LayerGraph.INITIAL_NODES];
        live[LayerGraph.V1] = hasV1;
        compare(factoryName, block, x, weights, p, model, live);
    }

    private void compare(String what, Block block, double[] x, double[] weights, DoubleReference.Params p,
            Function<DoubleReference.Params, Function<double[], double[]>> model, boolean[] live) {
        double[] expected = model.apply(p).apply(x);
        for (double v : expected) {
            assertTrue(Double.isFinite(v), what + ": the reference is not finite for this input; pick another");
        }
        Harness.Result result = Harness.run(block, manager, x, SHAPE, weights, true);
        double forwardError = Harness.relativeError(result.output(), expected);
        assertTrue(forwardError <= FORWARD_TOLERANCE, what + ": forward relative error " + forwardError);

        Function<double[], Double> lossOfX = in -> dot(model.apply(p).apply(in), weights);
        double gradXError = Harness.relativeError(result.inputGradient(), finiteDifference(lossOfX, x));
        assertTrue(gradXError <= GRADIENT_TOLERANCE, what + ": d/dx relative error " + gradXError);

        boolean hasAffine = result.parameterGradients().keySet().stream().anyMatch(k -> k.endsWith("gamma"));
        if (hasAffine) {
            checkParameter(what, "gamma", result, p.gamma(), v -> withGamma(p, v), model, weights, x);
            checkParameter(what, "beta", result, p.beta(), v -> withBeta(p, v), model, weights, x);
        }
        if (live[LayerGraph.V1]) {
            checkParameter(what, "v1", result, p.v1(), v -> withV1(p, v), model, weights, x);
        }
        if (live[LayerGraph.V0]) {
            checkParameter(what, "v0", result, p.v0(), v -> withV0(p, v), model, weights, x);
        }
    }

    private void checkParameter(String what, String name, Harness.Result result, double[] value,
            Function<double[], DoubleReference.Params> with,
            Function<DoubleReference.Params, Function<double[], double[]>> model, double[] weights, double[] x) {
        float[] actual = result.parameterGradients().entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().endsWith("_" + name))
                .findFirst().orElseThrow(() -> new AssertionError(what + ": no gradient for " + name)).getValue();
        double[] expected = finiteDifference(v -> dot(model.apply(with.apply(v)).apply(x), weights), value);
        double error = Harness.relativeError(actual, expected);
        assertTrue(error <= GRADIENT_TOLERANCE, what + ": d/d" + name + " relative error " + error);
    }

    static double[] finiteDifference(Function<double[], Double> f, double[] at) {
        double h = 1e-5;
        double[] grad = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += h;
            minus[i] -= h;
            grad[i] = (f.apply(plus) - f.apply(minus)) / (2 * h);
        }
        return grad;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static DoubleReference.Params withGamma(DoubleReference.Params p, double[] v) {
        return new DoubleReference.Params(p.v0(), p.v1(), v, p.beta(), p.eps(), p.groups(), p.running());
    }

    private static DoubleReference.Params withBeta(DoubleReference.Params p, double[] v) {
        return new DoubleReference.Params(p.v0(), p.v1(), p.gamma(), v, p.eps(), p.groups(), p.running());
    }

    private static DoubleReference.Params withV1(DoubleReference.Params p, double[] v) {
        return new DoubleReference.Params(p.v0(), v, p.gamma(), p.beta(), p.eps(), p.groups(), p.running());
    }

    private static DoubleReference.Params withV0(DoubleReference.Params p, double[] v) {
        return new DoubleReference.Params(v, p.v1(), p.gamma(), p.beta(), p.eps(), p.groups(), p.running());
    }
}

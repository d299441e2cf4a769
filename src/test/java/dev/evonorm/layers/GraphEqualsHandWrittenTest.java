package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written EvoNorms equal their graph form run by GraphBlock, forward and gradients (x, v1,
 * γ, β), in training mode and — after a few training steps, so running statistics are non-trivial
 * and must match too — in inference mode.
 */
class GraphEqualsHandWrittenTest {
    private static final Shape SHAPE = new Shape(4, 8, 5, 5);
    private static final double TOLERANCE = 1e-5;
    /** Inputs whose max arguments come closer than this (relative) are redrawn: see {@link #awayFromTies}. */
    private static final double TIE_MARGIN = 1e-3;
    private static final DoubleReference REFERENCE = new DoubleReference(4, 8, 5, 5);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"evonorm-b0", "evonorm-b1", "evonorm-b2", "evonorm-s0", "evonorm-s1", "evonorm-s2"})
    void graphFormEqualsHandWritten(String name) {
        Random rng = new Random(name.hashCode());
        int size = (int) SHAPE.size();
        int channels = (int) SHAPE.get(1);
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(4));
        Block hand = Harness.initialized(Layers.factory(name, options).create(channels, NormPosition.NORM_ACT), manager, SHAPE);
        Block graph = Harness.initialized(Layers.factory(name + "-graph", options).create(channels, NormPosition.NORM_ACT), manager, SHAPE);
        double[] gamma = Harness.uniform(rng, channels, 0.5, 1.5);
        double[] beta = Harness.uniform(rng, channels, -0.5, 0.5);
        double[] v1 = Harness.uniform(rng, channels, 0.5, 1.5);
        for (Block b : new Block[] {hand, graph}) {
            Harness.set(b, "gamma", gamma);
            Harness.set(b, "beta", beta);
            if (b.getParameters().keys().contains("v1")) {
                Harness.set(b, "v1", v1);
            }
        }
        // Training steps with shifted, scaled inputs: the running variance moves away from 1.
        for (int step = 0; step < 3; step++) {
            double[] x = awayFromTies(name, () -> shifted(Harness.uniform(rng, size, -2, 2), 0.3, 1.7), v1, null);
            double[] w = Harness.uniform(rng, size, -1, 1);
            compare(name + " training step " + step, Harness.run(hand, manager, x, SHAPE, w, true),
                    Harness.run(graph, manager, x, SHAPE, w, true));
        }
        if (name.contains("-b")) {
            float[] handRunning = Harness.get(hand, "running_var");
            float[] graphRunning = Harness.get(graph, "running_var_4");
            assertTrue(Harness.relativeError(graphRunning, handRunning) <= TOLERANCE, name + ": running variances differ");
            assertTrue(Math.abs(handRunning[0] - 1f) > 0.05, name + ": running variance did not move: " + handRunning[0]);
        }
        double[] running = name.contains("-b") ? toDouble(Harness.get(hand, "running_var")) : null;
        double[] x = awayFromTies(name, () -> Harness.uniform(rng, size, -2, 2), v1, running);
        double[] w = Harness.uniform(rng, size, -1, 1);
        compare(name + " inference", Harness.run(hand, manager, x, SHAPE, w, false),
                Harness.run(graph, manager, x, SHAPE, w, false));
    }

    /**
     * Draws inputs until no element sits near the kink of the B-series max. At a near-tie the two
     * forms may round to different branches (last-bit drift, which depends on what ran before in
     * the JVM), and both gradients are then right; comparing them there tests nothing.
     */
    private static double[] awayFromTies(String name, java.util.function.Supplier<double[]> draw, double[] v1, double[] runningVar) {
        int channels = (int) SHAPE.get(1);
        DoubleReference.Params p = new DoubleReference.Params(new double[channels], v1, new double[channels],
                new double[channels], 1e-5, 4, null);
        for (int attempt = 0; attempt < 1000; attempt++) {
            double[] x = draw.get();
            if (REFERENCE.closestTie(name, x, p, runningVar) > TIE_MARGIN) {
                return x;
            }
        }
        throw new AssertionError(name + ": no input without a near-tie in 1000 draws; lower TIE_MARGIN");
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static double[] shifted(double[] v, double shift, double scale) {
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] * scale + shift;
        }
        return v;
    }

    private static void compare(String what, Harness.Result hand, Harness.Result graph) {
        double out = Harness.relativeError(graph.output(), hand.output());
        assertTrue(out <= TOLERANCE, what + ": outputs differ, relative error " + out);
        double dx = Harness.relativeError(graph.inputGradient(), hand.inputGradient());
        assertTrue(dx <= TOLERANCE, what + ": d/dx differ, relative error " + dx);
        for (String p : new String[] {"gamma", "beta", "v1"}) {
            float[] h = hand.parameterGradients().get(p);
            float[] g = graph.parameterGradients().get(p);
            assertTrue((h == null) == (g == null), what + ": only one form has parameter " + p);
            if (h != null) {
                double e = Harness.relativeError(g, h);
                assertTrue(e <= TOLERANCE, what + ": d/d" + p + " differ, relative error " + e);
            }
        }
    }
}

package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GraphBlock's running statistics follow the official EMA for batch aggregates of full and of
 * already-reduced values (per-sample, per-channel, scalar), and inference with them agrees with
 * the double reference given the same running values.
 */
class GraphRunningStatisticsTest {
    private static final Shape SHAPE = new Shape(3, 4, 3, 3);
    private static final double DECAY = 0.9;

    static List<LayerGraph> graphs() {
        int x = LayerGraph.INPUT;
        return List.of(
                // full input
                LayerGraph.of(Node.unary(Primitive.VAR_BATCH, x), Node.binary(Primitive.DIV, x, 4)),
                // per-(n,c) input: batch mean of the instance variance
                LayerGraph.of(Node.unary(Primitive.VAR_INSTANCE, x), Node.unary(Primitive.MEAN_BATCH, 4),
                        Node.binary(Primitive.MUL, x, 5)),
                // per-channel input: variance 0 (+eps), mean = the value
                LayerGraph.of(Node.binary(Primitive.MUL, LayerGraph.V1, LayerGraph.V1),
                        Node.unary(Primitive.VAR_BATCH, 4), Node.unary(Primitive.MEAN_BATCH, 4),
                        Node.binary(Primitive.ADD, 5, 6), Node.binary(Primitive.MUL, x, 7)),
                // scalar input
                LayerGraph.of(Node.unary(Primitive.EXP, LayerGraph.ZERO), Node.unary(Primitive.MEAN_BATCH, 4),
                        Node.binary(Primitive.ADD, x, 5)));
    }

    @ParameterizedTest
    @MethodSource("graphs")
    void runningStatisticsFollowTheEmaAndServeInference(LayerGraph graph) {
        DoubleReference ref = new DoubleReference(3, 4, 3, 3);
        Random rng = new Random(graph.toString().hashCode());
        try (NDManager manager = NDManager.newBaseManager()) {
            GraphBlock block = new GraphBlock(graph, LayerOptions.defaults());
            Harness.initialized(block, manager, SHAPE);
            double[] v1 = Harness.uniform(rng, 4, 0.5, 1.5);
            if (graph.liveNodes()[LayerGraph.V1]) {
                Harness.set(block, "v1", v1);
            }
            DoubleReference.Params params = new DoubleReference.Params(new double[4], v1, ones(), new double[4], 1e-5, 4, null);
            double[] x = Harness.uniform(rng, ref.size(), -2, 3);
            Harness.forward(block, manager, x, SHAPE, true);

            // Expected: r = decay·init + (1 − decay)·batch statistic (variance without eps).
            Map<Integer, double[]> running = new HashMap<>();
            double[][] values = nodeValues(ref, graph, x, params);
            for (int k = LayerGraph.INITIAL_NODES; k < graph.size(); k++) {
                Primitive op = graph.node(k).op();
                if (!op.dependsOnBatch()) {
                    continue;
                }
                boolean variance = op.isSecondMoment();
                String name = (variance ? "running_var_" : "running_mean_") + k;
                float[] actual = Harness.get(block, name);
                double[] expected = new double[4];
                for (int ch = 0; ch < 4; ch++) {
                    double stat = values[k][ref.index(0, ch, 0, 0)] - (variance ? 1e-5 : 0);
                    expected[ch] = DECAY * (variance ? 1 : 0) + (1 - DECAY) * stat;
                    assertEquals(expected[ch], actual[ch], 1e-5 * (1 + Math.abs(expected[ch])), name + " channel " + ch);
                }
                running.put(k, expected);
            }
            assertTrue(!running.isEmpty());
            double[] y = Harness.uniform(rng, ref.size(), -2, 3);
            DoubleReference.Params withRunning = new DoubleReference.Params(params.v0(), v1, ones(), new double[4], 1e-5, 4, running);
            float[] out = Harness.forward(block, manager, y, SHAPE, false);
            double error = Harness.relativeError(out, ref.runGraph(graph, y, withRunning));
            assertTrue(error <= 1e-5, "inference with running statistics, relative error " + error);
        }
    }

    private static double[] ones() {
        return new double[] {1, 1, 1, 1};
    }

    /** Every node's value in training mode, from the reference, by re-running prefixes of the graph. */
    private static double[][] nodeValues(DoubleReference ref, LayerGraph graph, double[] x, DoubleReference.Params p) {
        double[][] values = new double[graph.size()][];
        for (int k = LayerGraph.INITIAL_NODES; k < graph.size(); k++) {
            LayerGraph prefix = new LayerGraph(graph.nodes().subList(0, k - LayerGraph.INITIAL_NODES + 1));
            values[k] = ref.runGraph(prefix, x, p); // γ = 1, β = 0: the node's value itself
        }
        return values;
    }
}

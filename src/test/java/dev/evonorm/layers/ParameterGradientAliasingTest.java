package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * v0 and v1 meeting in a sum get their gradients right at every step, not only the first: the
 * sum's backward hands both the same gradient tensor, and unless each parameter's gradient arrives
 * in a buffer of its own, PyTorch adopts that one tensor as both .grad and DJL's in-place zeroing
 * and accumulation then add the two gradients together (18, then 36).
 */
class ParameterGradientAliasingTest extends ManagerPerClass {
    @Test
    void aSumOfV0AndV1HasTheRightGradientsAtEveryStep() {
        Shape shape = new Shape(2, 4, 3, 3);
        double[] ones = new double[(int) shape.size()];
        Arrays.fill(ones, 1.0);
        LayerGraph[] graphs = {
            LayerGraph.of(Node.binary(Primitive.ADD, LayerGraph.V0, LayerGraph.V1), Node.binary(Primitive.ADD, LayerGraph.INPUT, 4)),
            LayerGraph.of(Node.binary(Primitive.ADD, LayerGraph.V0, LayerGraph.INPUT), Node.binary(Primitive.ADD, 4, LayerGraph.V1)),
        };
        for (LayerGraph graph : graphs) {
            for (boolean fused : new boolean[] {false, true}) {
                ai.djl.nn.Block block = Harness.initialized(new GraphBlock(graph, LayerOptions.defaults(), fused), manager, shape);
                for (int step = 0; step < 3; step++) {
                    Harness.Result r = Harness.run(block, manager, Harness.uniform(new java.util.Random(step), ones.length, -1, 1),
                            shape, ones, true);
                    // d/dv = Σ over samples and positions of the upstream 1s = 2·9 per channel.
                    for (String name : new String[] {"v0", "v1"}) {
                        float[] g = r.parameterGradients().get(name);
                        for (float v : g) {
                            assertEquals(18f, v, 1e-4f, graph + (fused ? " fused" : " composed") + " step " + step + " d/d" + name);
                        }
                    }
                }
            }
        }
    }
}

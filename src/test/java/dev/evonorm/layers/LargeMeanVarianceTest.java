package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.evonorm.graph.GraphJson;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Variances stay exact when a plane's mean dwarfs its spread (mean 1000, std 1): the shortcut
 * E[v²] − E[v]² loses every significant digit there in float32 (x² ≈ 1e6, float spacing 0.06).
 */
class LargeMeanVarianceTest {
    private static final Shape SHAPE = new Shape(4, 8, 5, 5);

    private static float[] input() {
        SplittableRandom rng = new SplittableRandom(9);
        float[] v = new float[(int) SHAPE.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (1000 + rng.nextGaussian());
        }
        return v;
    }

    /** Population variance over a set of (n, c, h, w) positions, in double. */
    private static double variance(float[] v, int[] ns, int[] cs) {
        double sum = 0;
        int count = 0;
        for (int n : ns) {
            for (int c : cs) {
                for (int i = 0; i < 25; i++) {
                    sum += v[(n * 8 + c) * 25 + i];
                    count++;
                }
            }
        }
        double mean = sum / count;
        double ss = 0;
        for (int n : ns) {
            for (int c : cs) {
                for (int i = 0; i < 25; i++) {
                    double d = v[(n * 8 + c) * 25 + i] - mean;
                    ss += d * d;
                }
            }
        }
        return ss / count;
    }

    private static float firstOutput(String op, float[] v, LayerOptions options) {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphBlock block = new GraphBlock(GraphJson.parse("{\"nodes\": [{\"op\": \"" + op + "\", \"in\": [0]}]}"), options);
            block.initialize(m, DataType.FLOAT32, SHAPE);
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.create(v, SHAPE)), true).singletonOrThrow();
            return y.toFloatArray()[0];
        }
    }

    @Test
    void instanceGroupAndBatchVariancesAreExact() {
        float[] v = input();
        LayerOptions options = LayerOptions.defaults().withEps(1e-5).withGroups(GroupSpec.exactly(2));
        double instance = variance(v, new int[] {0}, new int[] {0}) + 1e-5;
        double group = variance(v, new int[] {0}, new int[] {0, 1, 2, 3}) + 1e-5;
        double batch = variance(v, new int[] {0, 1, 2, 3}, new int[] {0}) + 1e-5;
        assertEquals(instance, firstOutput("var_hw", v, options), 1e-3 * instance);
        assertEquals(group, firstOutput("var_hwg", v, options), 1e-3 * group);
        assertEquals(batch, firstOutput("var_bhw", v, options), 1e-3 * batch);
    }
}

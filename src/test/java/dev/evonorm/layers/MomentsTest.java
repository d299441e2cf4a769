package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * μ_{h,w}(v²) is computed as Σ v·sg(v) with its gradient doubled on the reduced result (a cheaper
 * backward than autograd's own forms): its value and gradient must be exactly those of μ(v²), and
 * an overflow must stay +∞ rather than turn into NaN through the doubling.
 */
class MomentsTest {
    private static final Shape SHAPE = new Shape(3, 4, 5, 6);

    @Test
    void meanOfSquaresHasTheValueAndGradientOfTheMeanOfSquares() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0f, 2f, SHAPE, DataType.FLOAT32);
            NDArray weights = manager.randomNormal(new Shape(SHAPE.get(0), SHAPE.get(1), 1, 1));
            x.setRequiresGradient(true);
            float[] value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray m = new Moments(x).meanOfSquares();
                value = m.toFloatArray();
                collector.backward(m.mul(weights).sum());
            }
            float[] xs = x.toFloatArray();
            float[] w = weights.toFloatArray();
            float[] grad = x.getGradient().toFloatArray();
            int plane = (int) (SHAPE.get(2) * SHAPE.get(3));
            for (int nc = 0; nc < value.length; nc++) {
                double sum = 0;
                for (int k = 0; k < plane; k++) {
                    double v = xs[nc * plane + k];
                    sum += v * v;
                }
                assertEquals(sum / plane, value[nc], 1e-5 * sum / plane, "μ(x²) of plane " + nc);
                for (int k = 0; k < plane; k++) {
                    double expected = 2.0 * xs[nc * plane + k] * w[nc] / plane;
                    assertEquals(expected, grad[nc * plane + k], 1e-6 + 1e-5 * Math.abs(expected),
                            "gradient at plane " + nc + ", element " + k);
                }
            }
        }
    }

    @Test
    void anOverflowingSumOfSquaresIsInfiniteNotNaN() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0f, 1f, SHAPE, DataType.FLOAT32);
            x.set(new NDIndex("0, 0"), 1e30f); // (1e30)² overflows float32
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray m = new Moments(x).meanOfSquares();
                float[] value = m.toFloatArray();
                assertEquals(Float.POSITIVE_INFINITY, value[0]);
                for (int nc = 1; nc < value.length; nc++) {
                    assertTrue(Float.isFinite(value[nc]), "plane " + nc + " is finite");
                }
                // tanh(μ(x²)) is finite everywhere, as a graph using the statistic would see it.
                NDArray squashed = m.tanh();
                assertTrue(squashed.isNaN().none().getBoolean());
                collector.backward(squashed.sum());
            }
        }
    }
}

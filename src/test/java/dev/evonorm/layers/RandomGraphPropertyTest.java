package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any graph of the search space runs: never throws (NaN/Inf allowed), keeps the input shape, in
 * training and inference; a batch-independent graph's output for sample 0 ignores sample 1; a graph
 * whose x reaches the output only through batch statistics gives both samples the same output.
 */
class RandomGraphPropertyTest {
    private static final Shape SHAPE = new Shape(2, 4, 3, 3);
    private static NDManager manager;

    @BeforeContainer
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterContainer
    static void close() {
        manager.close();
    }

    @Property(tries = 300)
    void anyGraphRunsAndKeepsTheShape(@ForAll long seed) {
        Random rng = new Random(seed);
        SearchSpace space = rng.nextBoolean() ? SearchSpace.BATCH_DEPENDENT : SearchSpace.BATCH_INDEPENDENT;
        LayerGraph graph = RandomGraphs.generate(space, rng);
        GraphBlock block = new GraphBlock(graph, LayerOptions.defaults());
        Harness.initialized(block, manager, SHAPE);
        double[] x = Harness.uniform(rng, (int) SHAPE.size(), -3, 3);
        for (boolean training : new boolean[] {true, false}) {
            try (NDManager step = manager.newSubManager()) {
                NDArray input = step.create(Harness.toFloat(x), SHAPE);
                NDArray out = block.forward(new ParameterStore(step, false), new NDList(input), training).singletonOrThrow();
                assertEquals(SHAPE, out.getShape(), graph + " changed the shape");
                assertEquals(DataType.FLOAT32, out.getDataType());
            }
        }
        if (!graph.dependsOnBatch()) {
            double[] y = x.clone();
            int perSample = (int) (SHAPE.size() / 2);
            for (int i = perSample; i < y.length; i++) {
                y[i] = -2 * y[i] + 0.5;
            }
            float[] a = Arrays.copyOf(Harness.forward(block, manager, x, SHAPE, true), perSample);
            float[] b = Arrays.copyOf(Harness.forward(block, manager, y, SHAPE, true), perSample);
            for (int i = 0; i < perSample; i++) {
                boolean same = Float.compare(a[i], b[i]) == 0 || (Float.isNaN(a[i]) && Float.isNaN(b[i]))
                        || Math.abs(a[i] - b[i]) <= 1e-5 * (1 + Math.abs(a[i]));
                assertTrue(same, graph + ": sample 0 changed with sample 1 at " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    /**
     * What the validity screen relies on: when x reaches the output only through batch statistics,
     * every sample's output is the same, whatever the samples hold.
     */
    @Property(tries = 100)
    void aGraphThatDoesNotVaryPerSampleGivesEverySampleTheSameOutput(@ForAll long seed) {
        Random rng = new Random(seed);
        LayerGraph graph = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
        for (int draws = 1; graph.variesPerSample() || !graph.readsInput(); draws++) {
            assertTrue(draws < 100_000, "no graph that reads x only through batch statistics in 100,000 draws");
            graph = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
        }
        GraphBlock block = new GraphBlock(graph, LayerOptions.defaults());
        Harness.initialized(block, manager, SHAPE);
        float[] out = Harness.forward(block, manager, Harness.uniform(rng, (int) SHAPE.size(), -3, 3), SHAPE, true);
        int perSample = (int) (SHAPE.size() / 2);
        for (int i = 0; i < perSample; i++) {
            float a = out[i];
            float b = out[perSample + i];
            boolean same = Float.compare(a, b) == 0 || Math.abs(a - b) <= 1e-5 * (1 + Math.abs(a));
            assertTrue(same, graph + ": samples differ at " + i + ": " + a + " vs " + b);
        }
    }

    @Property(tries = 50)
    void aPublishedBatchIndependentGraphIgnoresOtherSamples(@ForAll long seed) {
        Random rng = new Random(seed);
        GraphBlock block = new GraphBlock(dev.evonorm.graph.PublishedGraphs.S0, LayerOptions.defaults());
        Harness.initialized(block, manager, SHAPE);
        double[] x = Harness.uniform(rng, (int) SHAPE.size(), -3, 3);
        double[] y = x.clone();
        int perSample = (int) (SHAPE.size() / 2);
        for (int i = perSample; i < y.length; i++) {
            y[i] = rng.nextGaussian() * 5;
        }
        assertArrayEquals(Arrays.copyOf(Harness.forward(block, manager, x, SHAPE, true), perSample),
                Arrays.copyOf(Harness.forward(block, manager, y, SHAPE, true), perSample), 1e-6f);
    }
}

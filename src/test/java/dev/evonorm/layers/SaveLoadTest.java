package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DJL parameter save/load round-trips every named layer and a graph layer, running statistics
 * included: after training steps and a parameter update, a fresh block loaded from the saved bytes
 * has identical parameters and identical inference output.
 */
class SaveLoadTest {
    private static final Shape SHAPE = new Shape(2, 8, 4, 4);

    /** A graph with a batch mean and a batch variance, so two running statistics of its own. */
    private static final LayerGraph TWO_RUNNING = LayerGraph.of(
            Node.unary(Primitive.MEAN_BATCH, LayerGraph.INPUT),
            Node.binary(Primitive.ADD, LayerGraph.INPUT, 4),
            Node.unary(Primitive.VAR_BATCH, 5),
            Node.binary(Primitive.DIV, 5, 6),
            Node.binary(Primitive.ADD, 7, LayerGraph.V0));

    private static List<Pair<String, Parameter>> pairs(Block block) {
        List<Pair<String, Parameter>> list = new ArrayList<>();
        block.getParameters().forEach(list::add);
        return list;
    }

    static Stream<String> layers() {
        List<String> names = new ArrayList<>();
        for (LayerCatalog.Entry e : LayerCatalog.entries()) {
            names.add(e.name());
        }
        names.add("graph:" + GraphJson.toJson(TWO_RUNNING));
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("layers")
    void parametersAndRunningStatisticsRoundTrip(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NormActFactory factory = Layers.factory(name);
            Block trained = Harness.initialized(factory.create(8, NormPosition.NORM_ACT), manager, SHAPE);
            Random rng = new Random(9);
            int size = (int) SHAPE.size();
            for (int i = 0; i < 3; i++) {
                Harness.forward(trained, manager, Harness.uniform(rng, size, -2, 3), SHAPE, true);
            }
            for (Pair<String, Parameter> p : trained.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().set(Harness.toFloat(Harness.uniform(rng, (int) p.getValue().getArray().size(), 0.5, 1.5)));
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                trained.saveParameters(out);
            }
            Block loaded = Harness.initialized(factory.create(8, NormPosition.NORM_ACT), manager, SHAPE);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                loaded.loadParameters(manager, in);
            }
            List<Pair<String, Parameter>> a = pairs(trained);
            List<Pair<String, Parameter>> b = pairs(loaded);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).getKey(), b.get(i).getKey());
                assertArrayEquals(a.get(i).getValue().getArray().toFloatArray(),
                        b.get(i).getValue().getArray().toFloatArray(), name + " " + a.get(i).getKey());
            }
            double[] x = Harness.uniform(rng, size, -2, 2);
            assertArrayEquals(Harness.forward(trained, manager, x, SHAPE, false),
                    Harness.forward(loaded, manager, x, SHAPE, false), name + ": inference output after load");
        }
    }
}

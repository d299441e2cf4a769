package dev.evonorm.graph;

import static dev.evonorm.graph.Node.binary;
import static dev.evonorm.graph.Node.unary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerGraphTest {

    @Test
    void primitivesAreThePapersTable() {
        assertEquals(18, Primitive.all().size());
        assertEquals(12, Primitive.all().stream().filter(p -> !p.isAggregate()).count());
        assertEquals(6, Primitive.all().stream().filter(Primitive::isAggregate).count());
        assertEquals(EnumSet.of(Primitive.MEAN_BATCH, Primitive.VAR_BATCH),
                EnumSet.copyOf(Primitive.all().stream().filter(Primitive::dependsOnBatch).toList()));
        assertEquals(16, Primitive.batchIndependent().size());
        assertEquals(4, Primitive.all().stream().filter(p -> p.arity() == 2).count());
        for (Primitive p : Primitive.all()) {
            assertEquals(p, Primitive.fromToken(p.token().toUpperCase()));
        }
    }

    @Test
    void deadNodesAndOutput() {
        LayerGraph g = LayerGraph.of(
                unary(Primitive.TANH, 0),     // 4 dead
                unary(Primitive.SIGMOID, 0),  // 5
                binary(Primitive.MUL, 0, 5)); // 6 output
        boolean[] live = g.liveNodes();
        assertEquals(6, g.outputIndex());
        assertFalse(live[4]);
        assertTrue(live[5] && live[6] && live[0]);
        assertFalse(live[LayerGraph.V0] || live[LayerGraph.V1] || live[LayerGraph.ZERO]);
        assertEquals(EnumSet.of(Primitive.SIGMOID, Primitive.MUL), g.primitivesUsed());
        assertEquals(2, CanonicalForm.of(g).nodes().size());
    }

    @Test
    void batchDependenceLooksAtLiveNodesOnly() {
        LayerGraph dead = LayerGraph.of(unary(Primitive.VAR_BATCH, 0), unary(Primitive.TANH, 0));
        assertFalse(dead.dependsOnBatch());
        assertTrue(dead.fitsIn(SearchSpace.BATCH_INDEPENDENT));
        assertTrue(PublishedGraphs.B0.dependsOnBatch());
        assertFalse(PublishedGraphs.S0.dependsOnBatch());
    }

    @Test
    void aLayerVariesPerSampleWhenSomePathFromXAvoidsBatchStatistics() {
        for (LayerGraph published : PublishedGraphs.byName().values()) {
            assertTrue(published.variesPerSample(), published.toString());
        }
        // μ_{h,w}(s²_{b,h,w}(x)) · v0: every path from x is cut by the batch variance.
        assertFalse(LayerGraph.of(unary(Primitive.VAR_BATCH, 0), unary(Primitive.MEAN_INSTANCE, 4),
                binary(Primitive.MUL, 5, LayerGraph.V0)).variesPerSample());
        // s²_{b,h,w}(x) + x: the second path reaches the output uncut.
        assertTrue(LayerGraph.of(unary(Primitive.VAR_BATCH, 0), binary(Primitive.ADD, 4, 0)).variesPerSample());
        // a batch statistic of v1 is no cut on a path from x (it is not on one).
        assertTrue(LayerGraph.of(unary(Primitive.MEAN_BATCH, LayerGraph.V1), binary(Primitive.MUL, 0, 4)).variesPerSample());
        assertFalse(LayerGraph.of(unary(Primitive.TANH, LayerGraph.V1)).variesPerSample());
    }

    @Test
    void invalidGraphsAreRejectedWithAFix() {
        InvalidGraphException e = assertThrows(InvalidGraphException.class,
                () -> LayerGraph.of(binary(Primitive.ADD, 0, 4)));
        assertTrue(e.getMessage().contains("not earlier"), e.getMessage());
        List<Node> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(unary(Primitive.ABS, 0));
        }
        e = assertThrows(InvalidGraphException.class, () -> new LayerGraph(eleven));
        assertTrue(e.getMessage().contains("at most 10"), e.getMessage());
        assertThrows(InvalidGraphException.class, () -> new LayerGraph(List.of()));
        assertThrows(InvalidGraphException.class, () -> new Node(Primitive.ADD, 0, -1));
        assertThrows(InvalidGraphException.class, () -> new Node(Primitive.ABS, 0, 1));
    }

    @Test
    void commutativeInputOrderAndDuplicatesCanonicalize() {
        LayerGraph a = LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.MUL, 0, 4));
        LayerGraph b = LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.MUL, 4, 0));
        LayerGraph dup = LayerGraph.of(unary(Primitive.SIGMOID, 0), unary(Primitive.SIGMOID, 0), binary(Primitive.MUL, 5, 0));
        assertEquals(CanonicalForm.of(a), CanonicalForm.of(b));
        assertEquals(CanonicalForm.of(a), CanonicalForm.of(dup));
        LayerGraph notCommutative = LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.DIV, 4, 0));
        LayerGraph swapped = LayerGraph.of(unary(Primitive.SIGMOID, 0), binary(Primitive.DIV, 0, 4));
        assertFalse(CanonicalForm.structuralHash(notCommutative).equals(CanonicalForm.structuralHash(swapped)));
    }

    @Test
    void publishedGraphsMatchThePaperSizes() {
        assertEquals(10, PublishedGraphs.B1.nodes().size(), "B1 uses the full node budget");
        for (LayerGraph g : PublishedGraphs.byName().values()) {
            assertEquals(g.nodes().size(), CanonicalForm.of(g).nodes().size(), "published graphs have no dead or duplicate nodes");
        }
    }
}

package dev.evonorm.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Properties of generation, mutation, canonical form and JSON over thousands of random graphs. */
class GraphPropertiesTest {

    @Property(tries = 3000)
    void generatedGraphsAreValidAndWithinBudget(@ForAll long seed) {
        for (SearchSpace space : SearchSpace.values()) {
            LayerGraph g = RandomGraphs.generate(space, new SplittableRandom(seed));
            assertTrue(g.nodes().size() >= 1 && g.nodes().size() <= LayerGraph.MAX_INTERMEDIATE_NODES);
            assertEquals(g, new LayerGraph(g.nodes()), "constructor validation accepts it");
            if (space == SearchSpace.BATCH_INDEPENDENT) {
                assertTrue(g.nodes().stream().noneMatch(n -> n.op().dependsOnBatch()), g.toString());
            }
        }
    }

    @Property(tries = 3000)
    void mutationChangesAtMostOneNodeAndStaysValid(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        SearchSpace space = rng.nextBoolean() ? SearchSpace.BATCH_DEPENDENT : SearchSpace.BATCH_INDEPENDENT;
        LayerGraph parent = RandomGraphs.generate(space, rng);
        LayerGraph child = Mutator.mutate(parent, space, rng);
        assertEquals(parent.nodes().size(), child.nodes().size());
        int changed = 0;
        for (int i = 0; i < parent.nodes().size(); i++) {
            if (!parent.nodes().get(i).equals(child.nodes().get(i))) {
                changed++;
            }
        }
        assertTrue(changed <= 1);
        assertTrue(child.fitsIn(space));
    }

    @Property(tries = 3000)
    void canonicalFormIsIdempotentAndKeepsTheHash(@ForAll long seed) {
        LayerGraph g = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, new SplittableRandom(seed));
        LayerGraph c = CanonicalForm.of(g);
        assertEquals(c, CanonicalForm.of(c));
        assertEquals(CanonicalForm.structuralHash(g), CanonicalForm.structuralHash(c));
        boolean[] live = c.liveNodes();
        for (int i = LayerGraph.INITIAL_NODES; i < c.size(); i++) {
            assertTrue(live[i], "canonical form has no dead nodes");
        }
    }

    @Property(tries = 3000)
    void renumberingAndDeadNodesDoNotChangeCanonicalForm(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LayerGraph g = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
        LayerGraph shuffled = GraphShuffler.equivalent(g, rng);
        assertEquals(CanonicalForm.of(g), CanonicalForm.of(shuffled));
        assertEquals(CanonicalForm.structuralHash(g), CanonicalForm.structuralHash(shuffled));
        assertEquals(Formula.unicode(CanonicalForm.of(g)), Formula.unicode(CanonicalForm.of(shuffled)));
    }

    @Property(tries = 3000)
    void jsonRoundTrips(@ForAll long seed) {
        LayerGraph g = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, new SplittableRandom(seed));
        assertEquals(g, GraphJson.parse(GraphJson.toJson(g)));
    }

    @Property(tries = 500)
    void differentFunctionsUsuallyHashDifferently(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LayerGraph g = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
        // Changing the output node's primitive to a different unary op always changes the expression.
        int out = g.outputIndex();
        Primitive op = g.node(out).op() == Primitive.TANH ? Primitive.SIGMOID : Primitive.TANH;
        LayerGraph other = g.withNode(out, Node.unary(op, g.node(out).left()));
        assertNotEquals(CanonicalForm.structuralHash(g), CanonicalForm.structuralHash(other));
    }
}

package dev.evonorm.graph;

import java.util.random.RandomGenerator;

/**
 * The paper's three-step mutation (REFERENCE.md §3): pick an intermediate node uniformly, give it a
 * uniformly drawn primitive of the space, and re-draw its inputs uniformly among earlier nodes.
 *
 * <p>The child may compute the same function as its parent (a dead node was picked, or the same
 * draw came up); the search detects that through canonical and functional hashes rather than
 * re-drawing here, so that the mutation distribution stays exactly the paper's.
 */
public final class Mutator {
    private Mutator() {
    }

    public static LayerGraph mutate(LayerGraph parent, SearchSpace space, RandomGenerator rng) {
        int index = LayerGraph.INITIAL_NODES + rng.nextInt(parent.nodes().size());
        return parent.withNode(index, RandomGraphs.randomNode(space, index, rng));
    }
}

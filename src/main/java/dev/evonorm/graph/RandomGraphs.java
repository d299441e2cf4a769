package dev.evonorm.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Random layers (REFERENCE.md §3): start from the four initial nodes and append nodes one at a
 * time, each with a uniformly drawn primitive of the space and uniformly drawn earlier inputs; the
 * last node is the output.
 *
 * <p>How many nodes a random layer has is not fixed by the paper. Project default: uniform in
 * [{@value #DEFAULT_MIN_NODES}, {@value LayerGraph#MAX_INTERMEDIATE_NODES}]; callers may narrow it.
 */
public final class RandomGraphs {
    public static final int DEFAULT_MIN_NODES = 1;

    private RandomGraphs() {
    }

    /** A random layer with a node count drawn uniformly from the default range. */
    public static LayerGraph generate(SearchSpace space, RandomGenerator rng) {
        return generate(space, DEFAULT_MIN_NODES, LayerGraph.MAX_INTERMEDIATE_NODES, rng);
    }

    /** A random layer with a node count drawn uniformly from [minNodes, maxNodes]. */
    public static LayerGraph generate(SearchSpace space, int minNodes, int maxNodes, RandomGenerator rng) {
        if (minNodes < 1 || maxNodes > LayerGraph.MAX_INTERMEDIATE_NODES || minNodes > maxNodes) {
            throw new IllegalArgumentException("node count range [" + minNodes + ", " + maxNodes
                    + "] is impossible; use 1 <= min <= max <= " + LayerGraph.MAX_INTERMEDIATE_NODES);
        }
        int count = minNodes + rng.nextInt(maxNodes - minNodes + 1);
        List<Node> nodes = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            nodes.add(randomNode(space, LayerGraph.INITIAL_NODES + k, rng));
        }
        return new LayerGraph(nodes);
    }

    /** A node at absolute position {@code index}: uniform primitive, inputs uniform among nodes 0..index-1. */
    static Node randomNode(SearchSpace space, int index, RandomGenerator rng) {
        List<Primitive> ops = Primitive.of(space);
        Primitive op = ops.get(rng.nextInt(ops.size()));
        int left = rng.nextInt(index);
        return op.arity() == 1 ? Node.unary(op, left) : Node.binary(op, left, rng.nextInt(index));
    }
}

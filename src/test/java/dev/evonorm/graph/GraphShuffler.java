package dev.evonorm.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Test helper: rewrites a graph into a structurally equivalent one with other numbering and extra dead nodes. */
final class GraphShuffler {
    private GraphShuffler() {
    }

    /**
     * A random topological order of the live nodes, with random dead nodes interleaved as long as the
     * budget allows, and commutative inputs randomly swapped. The output stays last.
     */
    static LayerGraph equivalent(LayerGraph graph, RandomGenerator rng) {
        LayerGraph live = CanonicalForm.of(graph);
        int n = live.nodes().size();
        // Kahn's algorithm with random choice among ready nodes gives a random topological order.
        List<Integer> order = new ArrayList<>();
        boolean[] placed = new boolean[live.size()];
        for (int i = 0; i < LayerGraph.INITIAL_NODES; i++) {
            placed[i] = true;
        }
        while (order.size() < n) {
            List<Integer> ready = new ArrayList<>();
            for (int i = LayerGraph.INITIAL_NODES; i < live.size(); i++) {
                if (!placed[i] && live.node(i).inputs().stream().allMatch(in -> placed[in])
                        && (i != live.outputIndex() || order.size() == n - 1)) {
                    ready.add(i);
                }
            }
            int pick = ready.get(rng.nextInt(ready.size()));
            placed[pick] = true;
            order.add(pick);
        }
        int deadBudget = LayerGraph.MAX_INTERMEDIATE_NODES - n;
        List<Node> out = new ArrayList<>();
        int[] newIndex = new int[live.size()];
        for (int i = 0; i < LayerGraph.INITIAL_NODES; i++) {
            newIndex[i] = i;
        }
        for (int old : order) {
            while (deadBudget > 0 && rng.nextInt(3) == 0) {
                int here = LayerGraph.INITIAL_NODES + out.size();
                out.add(RandomGraphs.randomNode(SearchSpace.BATCH_DEPENDENT, here, rng));
                deadBudget--;
            }
            Node node = live.node(old);
            Node moved;
            if (node.op().arity() == 1) {
                moved = Node.unary(node.op(), newIndex[node.left()]);
            } else if (node.op().isCommutative() && rng.nextBoolean()) {
                moved = Node.binary(node.op(), newIndex[node.right()], newIndex[node.left()]);
            } else {
                moved = Node.binary(node.op(), newIndex[node.left()], newIndex[node.right()]);
            }
            newIndex[old] = LayerGraph.INITIAL_NODES + out.size();
            out.add(moved);
        }
        return new LayerGraph(out);
    }
}

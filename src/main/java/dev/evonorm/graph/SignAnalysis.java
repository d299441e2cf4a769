package dev.evonorm.graph;

/**
 * Which nodes are provably non-negative, or positive, from structure alone (NaN aside): s² (it
 * includes ε), exp and σ are positive; squares and |·| non-negative; means, roots, sums, products,
 * quotients and maxima carry these properties from their inputs. The formula printer uses it to
 * write the signed root and log as plain √ and ln; the graph block to take a plain root, which is
 * the same function with fewer operations.
 */
public final class SignAnalysis {
    private final boolean[] nonNegative;
    private final boolean[] positive;

    private SignAnalysis(boolean[] nonNegative, boolean[] positive) {
        this.nonNegative = nonNegative;
        this.positive = positive;
    }

    public static SignAnalysis of(LayerGraph graph) {
        boolean[] nn = new boolean[graph.size()];
        boolean[] pos = new boolean[graph.size()];
        nn[LayerGraph.ZERO] = true;
        for (int i = LayerGraph.INITIAL_NODES; i < graph.size(); i++) {
            Node n = graph.node(i);
            boolean a = nn[n.left()];
            boolean b = n.op().arity() == 2 && nn[n.right()];
            boolean pa = pos[n.left()];
            boolean pb = n.op().arity() == 2 && pos[n.right()];
            switch (n.op()) {
                case VAR_BATCH, VAR_INSTANCE, VAR_GROUP, EXP, SIGMOID -> {
                    nn[i] = true;
                    pos[i] = true;
                }
                case SQUARE, ABS -> nn[i] = true;
                case MEAN_BATCH, MEAN_INSTANCE, MEAN_GROUP, SIGNED_SQRT -> {
                    nn[i] = a;
                    pos[i] = pa;
                }
                case ADD -> {
                    nn[i] = a && b;
                    pos[i] = (pa && b) || (a && pb);
                }
                case MUL, DIV -> {
                    nn[i] = a && b;
                    pos[i] = pa && pb;
                }
                case MAX -> {
                    nn[i] = a || b;
                    pos[i] = pa || pb;
                }
                default -> {
                }
            }
        }
        return new SignAnalysis(nn, pos);
    }

    public boolean nonNegative(int node) {
        return nonNegative[node];
    }

    public boolean positive(int node) {
        return positive[node];
    }
}

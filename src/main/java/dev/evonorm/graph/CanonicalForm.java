package dev.evonorm.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A canonical representative of a layer graph. Dead nodes are dropped, the inputs of commutative
 * primitives are put in a fixed order, identical sub-expressions are merged (every primitive is
 * deterministic, so two nodes applying the same primitive to the same inputs hold the same value),
 * and the remaining nodes are numbered by a post-order walk from the output that visits inputs in
 * that fixed order. Graphs that differ only by dead nodes, node numbering, the order of a
 * commutative primitive's inputs or duplicated sub-expressions get the same canonical graph, and
 * so the same structural hash.
 */
public final class CanonicalForm {
    private CanonicalForm() {
    }

    public static LayerGraph of(LayerGraph graph) {
        String[] signature = signatures(graph);
        List<Node> out = new ArrayList<>();
        Map<String, Integer> emitted = new HashMap<>();
        int[] newIndex = new int[graph.size()];
        java.util.Arrays.fill(newIndex, -1);
        emit(graph, graph.outputIndex(), signature, emitted, newIndex, out);
        return new LayerGraph(out);
    }

    /** A short hex digest of the canonical form; equal for structurally equivalent graphs. */
    public static String structuralHash(LayerGraph graph) {
        return digest(signatures(graph)[graph.outputIndex()]);
    }

    /** The first 8 bytes of the SHA-256 of an expression, in hex. */
    static String digest(String expression) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(expression.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * The expression each node computes, written out with inputs in canonical order. Shared
     * sub-expressions are repeated; with at most ten nodes the strings stay small (bounded by 2^10
     * leaves).
     */
    static String[] signatures(LayerGraph graph) {
        String[] sig = new String[graph.size()];
        for (int i = 0; i < LayerGraph.INITIAL_NODES; i++) {
            sig[i] = LayerGraph.initialName(i);
        }
        for (int i = LayerGraph.INITIAL_NODES; i < graph.size(); i++) {
            sig[i] = signature(graph.node(i), sig);
        }
        return sig;
    }

    /** A node's expression from its inputs' expressions, a commutative primitive's inputs in order. */
    static String signature(Node n, String[] sig) {
        if (n.op().arity() == 1) {
            return n.op().token() + "(" + sig[n.left()] + ")";
        }
        String a = sig[n.left()];
        String b = sig[n.right()];
        if (n.op().isCommutative() && a.compareTo(b) > 0) {
            String t = a;
            a = b;
            b = t;
        }
        return n.op().token() + "(" + a + "," + b + ")";
    }

    private static int emit(LayerGraph graph, int index, String[] sig, Map<String, Integer> emitted,
                            int[] newIndex, List<Node> out) {
        if (graph.isInitial(index)) {
            return index;
        }
        if (newIndex[index] >= 0) {
            return newIndex[index];
        }
        Integer same = emitted.get(sig[index]);
        if (same != null) {
            newIndex[index] = same;
            return same;
        }
        Node n = graph.node(index);
        Node canonical;
        if (n.op().arity() == 1) {
            canonical = Node.unary(n.op(), emit(graph, n.left(), sig, emitted, newIndex, out));
        } else {
            int first = n.left();
            int second = n.right();
            if (n.op().isCommutative() && sig[first].compareTo(sig[second]) > 0) {
                first = n.right();
                second = n.left();
            }
            int a = emit(graph, first, sig, emitted, newIndex, out);
            int b = emit(graph, second, sig, emitted, newIndex, out);
            canonical = Node.binary(n.op(), a, b);
        }
        out.add(canonical);
        int assigned = LayerGraph.INITIAL_NODES + out.size() - 1;
        emitted.put(sig[index], assigned);
        newIndex[index] = assigned;
        return assigned;
    }
}

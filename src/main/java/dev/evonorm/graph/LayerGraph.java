package dev.evonorm.graph;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable normalization-activation layer as a DAG (REFERENCE.md §1). Four initial nodes —
 * the input x, a zero tensor, and the per-channel vectors v0 (init 0) and v1 (init 1) — followed by
 * 1 to 10 intermediate nodes, each reading earlier nodes only. The last node is the output. The
 * per-channel affine {@code y·γ + β} that ends every layer is not part of the graph.
 */
public record LayerGraph(List<Node> nodes) {

    public static final int INPUT = 0;
    public static final int ZERO = 1;
    public static final int V0 = 2;
    public static final int V1 = 3;
    public static final int INITIAL_NODES = 4;
    public static final int MAX_INTERMEDIATE_NODES = 10;

    public LayerGraph {
        if (nodes == null || nodes.isEmpty()) {
            throw new InvalidGraphException("a layer graph needs at least one intermediate node; add a node whose inputs are among 0 (x), 1 (zero), 2 (v0), 3 (v1)");
        }
        if (nodes.size() > MAX_INTERMEDIATE_NODES) {
            throw new InvalidGraphException("a layer graph has at most " + MAX_INTERMEDIATE_NODES
                    + " intermediate nodes, got " + nodes.size() + "; remove " + (nodes.size() - MAX_INTERMEDIATE_NODES));
        }
        nodes = List.copyOf(nodes);
        for (int k = 0; k < nodes.size(); k++) {
            int index = INITIAL_NODES + k;
            for (int in : nodes.get(k).inputs()) {
                if (in < 0 || in >= index) {
                    throw new InvalidGraphException("node " + index + " reads node " + in
                            + ", which is not earlier; a node may only read nodes 0.." + (index - 1));
                }
            }
        }
    }

    public static LayerGraph of(Node... nodes) {
        return new LayerGraph(List.of(nodes));
    }

    /** Total node count, initial nodes included. */
    public int size() {
        return INITIAL_NODES + nodes.size();
    }

    /** The absolute index of the output (the last node). */
    public int outputIndex() {
        return size() - 1;
    }

    /** The intermediate node at absolute index {@code index} (≥ 4). */
    public Node node(int index) {
        return nodes.get(index - INITIAL_NODES);
    }

    public boolean isInitial(int index) {
        return index < INITIAL_NODES;
    }

    /** {@code live[i]} is true when node i reaches the output. */
    public boolean[] liveNodes() {
        boolean[] live = new boolean[size()];
        live[outputIndex()] = true;
        for (int i = outputIndex(); i >= INITIAL_NODES; i--) {
            if (live[i]) {
                for (int in : node(i).inputs()) {
                    live[in] = true;
                }
            }
        }
        return live;
    }

    /** Primitives of the live nodes. */
    public Set<Primitive> primitivesUsed() {
        boolean[] live = liveNodes();
        Set<Primitive> used = EnumSet.noneOf(Primitive.class);
        for (int i = INITIAL_NODES; i < size(); i++) {
            if (live[i]) {
                used.add(node(i).op());
            }
        }
        return used;
    }

    /** True when a live node aggregates over the batch, so the layer needs running statistics at inference. */
    public boolean dependsOnBatch() {
        return primitivesUsed().stream().anyMatch(Primitive::dependsOnBatch);
    }

    /** True when the output depends on the input x at all. */
    public boolean readsInput() {
        return liveNodes()[INPUT];
    }

    /**
     * True when the output can differ between the samples of a batch: x reaches the output along
     * some path that no batch aggregate cuts. A batch statistic is one value per channel, shared by
     * every sample (and frozen at inference), so a layer whose x reaches the output only through
     * them gives every image the same output and leaves the network nothing to classify with.
     * Structural, hence conservative: {@code x / x} counts as varying (the numeric screen sees it
     * constant).
     */
    public boolean variesPerSample() {
        boolean[] varies = new boolean[size()];
        varies[INPUT] = true;
        for (int i = INITIAL_NODES; i < size(); i++) {
            Node n = node(i);
            if (!n.op().dependsOnBatch()) {
                for (int in : n.inputs()) {
                    varies[i] |= varies[in];
                }
            }
        }
        return varies[outputIndex()];
    }

    /** True when every live node's primitive belongs to the space. */
    public boolean fitsIn(SearchSpace space) {
        return space == SearchSpace.BATCH_DEPENDENT || !dependsOnBatch();
    }

    /** A copy with node {@code index} replaced. */
    public LayerGraph withNode(int index, Node replacement) {
        List<Node> copy = new ArrayList<>(nodes);
        copy.set(index - INITIAL_NODES, replacement);
        return new LayerGraph(copy);
    }

    /** The name of an initial node in formulas and JSON: x, 0, v0, v1. */
    public static String initialName(int index) {
        return switch (index) {
            case INPUT -> "x";
            case ZERO -> "0";
            case V0 -> "v0";
            case V1 -> "v1";
            default -> throw new IllegalArgumentException("not an initial node: " + index);
        };
    }
}

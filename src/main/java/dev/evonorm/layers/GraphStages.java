package dev.evonorm.layers;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link GraphBlock} runs a graph with the fused graph executor ({@code native/evonorm_graph.cpp}):
 * the nodes that depend on x element-wise ("full" nodes) are computed by native stages, everything
 * else (aggregates, running statistics, ops between reduced values) by DJL's ops as before.
 *
 * <p>A full node's level is the number of aggregates of full values between it and x; stage s
 * computes the full nodes it needs (recomputing lower levels from x rather than storing them) and
 * emits the per-(n,c) moments of the level-s nodes that an aggregate reads, and the last stage
 * emits the output. Which aggregates need moments depends on the mode: at inference a batch
 * aggregate reads its running statistic. Only for inputs with h·w > 1 (otherwise nothing is full).
 */
final class GraphStages {

    /** One native stage: its program and which nodes' moments it emits. */
    record Stage(int[] code, int[] reducedNodes, int[] momentNodes, int[] momentSlots, int outputSlot) {
    }

    private final List<Stage> stages;
    private final boolean usable;

    private GraphStages(List<Stage> stages, boolean usable) {
        this.stages = stages;
        this.usable = usable;
    }

    /** False when the graph's output is not a full node (it ignores x, or ends in an aggregate). */
    boolean usable() {
        return usable;
    }

    List<Stage> stages() {
        return stages;
    }

    /**
     * @param valueNonNegative per node, whether GraphBlock knows the value cannot be negative (then
     *     signed_sqrt is the plain root, as GraphBlock computes it)
     */
    static GraphStages plan(LayerGraph graph, boolean training, boolean[] valueNonNegative) {
        int size = graph.size();
        boolean[] live = graph.liveNodes();
        boolean[] full = new boolean[size];
        int[] level = new int[size];
        int[] available = new int[size];
        full[LayerGraph.INPUT] = true;
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            if (!live[i]) {
                continue;
            }
            Node node = graph.node(i);
            Primitive op = node.op();
            if (op.isAggregate()) {
                int in = node.left();
                boolean running = op.reduction().orElseThrow() == Reduction.BATCH && !training;
                available[i] = running ? 0 : full[in] ? level[in] + 1 : available[in];
                continue;
            }
            int lvl = 0;
            boolean anyFull = false;
            for (int in : node.inputs()) {
                anyFull |= full[in];
                lvl = Math.max(lvl, full[in] ? level[in] : available[in]);
            }
            full[i] = anyFull;
            if (anyFull) {
                level[i] = lvl;
            } else {
                available[i] = lvl;
            }
        }
        int output = graph.outputIndex();
        if (!full[output]) {
            return new GraphStages(List.of(), false);
        }
        // The full nodes an aggregate reads (in training: every aggregate; at inference: not the batch ones).
        boolean[] needsMoments = new boolean[size];
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            Node node = graph.node(i);
            if (live[i] && node.op().isAggregate() && full[node.left()]
                    && !(node.op().reduction().orElseThrow() == Reduction.BATCH && !training)) {
                needsMoments[node.left()] = true;
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s <= level[output]; s++) {
            List<Integer> sinks = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (needsMoments[i] && full[i] && level[i] == s) {
                    sinks.add(i);
                }
            }
            if (s == level[output] && !sinks.contains(output)) {
                sinks.add(output);
            }
            stages.add(stage(graph, full, sinks, needsMoments, s == level[output] ? output : -1, valueNonNegative));
        }
        return new GraphStages(stages, true);
    }

    /** The program that computes {@code sinks} from x and reduced values. */
    private static Stage stage(LayerGraph graph, boolean[] full, List<Integer> sinks, boolean[] needsMoments,
            int output, boolean[] valueNonNegative) {
        int size = graph.size();
        boolean[] needed = new boolean[size];
        for (int sink : sinks) {
            needed[sink] = true;
        }
        for (int i = size - 1; i >= LayerGraph.INITIAL_NODES; i--) {
            if (needed[i] && full[i] && i != LayerGraph.INPUT) {
                for (int in : graph.node(i).inputs()) {
                    needed[in] = true;
                }
            }
        }
        // Slots: 0 = x, 1..K = reduced operands of the program, then one per instruction.
        int[] slot = new int[size];
        java.util.Arrays.fill(slot, -1);
        slot[LayerGraph.INPUT] = 0;
        List<Integer> reduced = new ArrayList<>();
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            if (needed[i] && full[i]) {
                for (int in : graph.node(i).inputs()) {
                    if (!full[in] && slot[in] < 0) {
                        reduced.add(in);
                        slot[in] = reduced.size();
                    }
                }
            }
        }
        List<Integer> code = new ArrayList<>();
        int next = 1 + reduced.size();
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            if (!(needed[i] && full[i])) {
                continue;
            }
            Node node = graph.node(i);
            Primitive op = node.op();
            int a = slot[node.left()];
            int b = op.arity() == 2 ? slot[node.right()] : 0;
            int opcode = opcode(op, valueNonNegative[node.left()]);
            if (op == Primitive.MAX && full[node.left()] != full[node.right()]) {
                opcode = MAX_REDUCED;
                if (!full[node.left()]) {
                    int t = a;
                    a = b;
                    b = t;
                }
            }
            code.add(opcode);
            code.add(a);
            code.add(b);
            slot[i] = next++;
        }
        List<Integer> momentNodes = new ArrayList<>();
        for (int sink : sinks) {
            if (needsMoments[sink]) {
                momentNodes.add(sink);
            }
        }
        return new Stage(code.stream().mapToInt(Integer::intValue).toArray(),
                reduced.stream().mapToInt(Integer::intValue).toArray(),
                momentNodes.stream().mapToInt(Integer::intValue).toArray(),
                momentNodes.stream().mapToInt(n -> slot[n]).toArray(),
                output >= 0 ? slot[output] : -1);
    }

    // The executor's instruction numbers (native/evonorm_graph.cpp).
    private static final int MAX_REDUCED = 13;

    private static int opcode(Primitive op, boolean operandNonNegative) {
        return switch (op) {
            case NEG -> 0;
            case SIGMOID -> 1;
            case TANH -> 2;
            case EXP -> 3;
            case SIGNED_LOG -> 4;
            case ABS -> 5;
            case SQUARE -> 6;
            case SIGNED_SQRT -> operandNonNegative ? 7 : 8;
            case ADD -> 9;
            case MUL -> 10;
            case DIV -> 11;
            case MAX -> 12;
            default -> throw new IllegalArgumentException("not an element-wise primitive: " + op);
        };
    }

    /**
     * Whether GraphBlock's value of each node is known to be non-negative (its GraphValue flag):
     * the rule GraphBlock applies while evaluating, computed ahead.
     */
    static boolean[] valueNonNegative(LayerGraph graph, boolean[] signAnalysisNonNegative) {
        boolean[] nn = new boolean[graph.size()];
        nn[LayerGraph.ZERO] = true;
        for (int i = LayerGraph.INITIAL_NODES; i < graph.size(); i++) {
            Node node = graph.node(i);
            Primitive op = node.op();
            nn[i] = switch (op) {
                case SIGMOID, EXP, ABS, SQUARE -> true;
                case NEG, TANH, SIGNED_LOG -> false;
                case SIGNED_SQRT -> nn[node.left()];
                case ADD, MUL, DIV -> nn[node.left()] && nn[node.right()];
                case MAX -> nn[node.left()] || nn[node.right()];
                default -> op.isSecondMoment() || signAnalysisNonNegative[i];
            };
        }
        return nn;
    }
}

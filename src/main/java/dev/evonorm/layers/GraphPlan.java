package dev.evonorm.layers;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link GraphBlock} runs a graph on the fused graph executor ({@code native/evonorm_graph.cpp},
 * {@code native/evonorm_graph_function.cpp}), in one native call forward and one backward.
 *
 * <p>The nodes that depend on x element-wise ("full" nodes) run in stages over the tensor. A full
 * node's level is the number of aggregates of full values between it and x; stage s computes the
 * full nodes it needs (recomputing lower levels from x rather than storing them) and emits the
 * per-(n,c) moments of the level-s nodes that an aggregate reads, and the last stage emits the
 * output. Every other live node is a reduced step (zero, v0, v1, an aggregate, a running
 * statistic, an op between reduced values) run before the first stage that needs it. Which
 * aggregates read moments depends on the mode: at inference a batch aggregate reads its running
 * statistic. Only for inputs with h·w > 1 (otherwise nothing is full).
 */
final class GraphPlan {

    /** One native stage: its program and which nodes' moments it emits. */
    record Stage(int[] code, int[] reducedNodes, int[] momentNodes, int[] momentSlots, int outputSlot) {
    }

    /**
     * One reduced node, computed before stage {@code before}: kind and operands as
     * native/evonorm_graph_function.cpp reads them.
     */
    record Step(int node, int kind, int op, int a, int b, int running, int before) {
    }

    // Step kinds (native/evonorm_graph_function.cpp).
    static final int ZERO_NODE = 0;
    static final int V0_NODE = 1;
    static final int V1_NODE = 2;
    static final int OP_NODE = 3;
    static final int AGGREGATE = 4;
    static final int RUNNING = 5;

    private final boolean usable;
    private final int[] encoded;

    private GraphPlan(int nodes, List<Stage> stages, List<Step> steps, boolean usable) {
        this.usable = usable;
        this.encoded = usable ? encode(nodes, stages, steps) : new int[0];
    }

    /** False when the graph's output is not a full node (it ignores x, or ends in an aggregate). */
    boolean usable() {
        return usable;
    }

    /** The plan as the native executor reads it. */
    int[] encoded() {
        return encoded;
    }

    /**
     * @param valueNonNegative per node, whether GraphBlock knows the value cannot be negative (then
     *     signed_sqrt is the plain root, as GraphBlock computes it)
     */
    static GraphPlan plan(LayerGraph graph, boolean training, boolean[] valueNonNegative) {
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
            return new GraphPlan(size, List.of(), List.of(), false);
        }
        // The full nodes an aggregate reads (in training: every aggregate; at inference: not the batch ones).
        boolean[] needsMoments = new boolean[size];
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            Node node = graph.node(i);
            if (live[i] && node.op().isAggregate() && full[node.left()] && !running(node.op(), training)) {
                needsMoments[momentSource(graph, i, full)] = true;
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
        return new GraphPlan(size, stages, steps(graph, training, full, available, stages, valueNonNegative), true);
    }

    /**
     * The reduced nodes the stages need, in graph order, each before the first stage it can run
     * at: its inputs' moments come from earlier stages. An aggregate of a full node reads that
     * node's moments; at inference a batch aggregate reads its running statistic instead and
     * needs nothing.
     */
    private static List<Step> steps(LayerGraph graph, boolean training, boolean[] full, int[] available,
            List<Stage> stages, boolean[] valueNonNegative) {
        int size = graph.size();
        boolean[] needed = new boolean[size];
        for (Stage stage : stages) {
            for (int node : stage.reducedNodes()) {
                needed[node] = true;
            }
        }
        for (int i = size - 1; i >= LayerGraph.INITIAL_NODES; i--) {
            if (!needed[i]) {
                continue;
            }
            Primitive op = graph.node(i).op();
            if (op.isAggregate() && (full[graph.node(i).left()] || running(op, training))) {
                continue;
            }
            for (int in : graph.node(i).inputs()) {
                needed[in] = true;
            }
        }
        // Running statistics: one per live batch aggregate, in graph order (as GraphBlock declares them).
        boolean[] live = graph.liveNodes();
        int[] runningIndex = new int[size];
        int count = 0;
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            runningIndex[i] = live[i] && graph.node(i).op().dependsOnBatch() ? count++ : -1;
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (!needed[i] || full[i]) {
                continue;
            }
            switch (i) {
                case LayerGraph.ZERO -> steps.add(new Step(i, ZERO_NODE, 0, -1, -1, -1, 0));
                case LayerGraph.V0 -> steps.add(new Step(i, V0_NODE, 0, -1, -1, -1, 0));
                case LayerGraph.V1 -> steps.add(new Step(i, V1_NODE, 0, -1, -1, -1, 0));
                default -> steps.add(step(graph, i, training, full, available, runningIndex, valueNonNegative));
            }
        }
        return steps;
    }

    private static Step step(LayerGraph graph, int i, boolean training, boolean[] full, int[] available,
            int[] runningIndex, boolean[] valueNonNegative) {
        Node node = graph.node(i);
        Primitive op = node.op();
        if (op.isAggregate()) {
            int variance = op.isSecondMoment() ? 1 : 0;
            if (running(op, training)) {
                return new Step(i, RUNNING, variance, -1, -1, runningIndex[i], 0);
            }
            int reduction = switch (op.reduction().orElseThrow()) {
                case BATCH -> 0;
                case INSTANCE -> 1;
                case GROUP -> 2;
            };
            if (full[node.left()]) {
                int square = squareMean(graph, i, full) ? 2 : 0;
                return new Step(i, AGGREGATE, reduction * 4 + square + variance, momentSource(graph, i, full), 1,
                        runningIndex[i], available[i]);
            }
            return new Step(i, AGGREGATE, reduction * 4 + variance, node.left(), 0, runningIndex[i], available[i]);
        }
        int b = op.arity() == 2 ? node.right() : -1;
        return new Step(i, OP_NODE, opcode(op, valueNonNegative[node.left()]), node.left(), b, -1, available[i]);
    }

    /**
     * The full node whose moments aggregate {@code i} (of a full node) reads: its input, or — for
     * a mean of v² with v full — v, whose second moment is that mean (v² is then not computed,
     * as GraphBlock's composition does not compute it either).
     */
    private static int momentSource(LayerGraph graph, int i, boolean[] full) {
        Node node = graph.node(i);
        return squareMean(graph, i, full) ? graph.node(node.left()).left() : node.left();
    }

    /** Whether aggregate {@code i} is a mean of v² with v full (see {@link #momentSource}). */
    private static boolean squareMean(LayerGraph graph, int i, boolean[] full) {
        Node node = graph.node(i);
        if (node.op().isSecondMoment() || node.left() < LayerGraph.INITIAL_NODES) {
            return false;
        }
        Node input = graph.node(node.left());
        return input.op() == Primitive.SQUARE && full[input.left()];
    }

    /** At inference a batch aggregate is its running statistic. */
    private static boolean running(Primitive op, boolean training) {
        return op.reduction().orElse(null) == Reduction.BATCH && !training;
    }

    /** [nodes, steps, stages, 7 per step, then per stage: K, K nodes, I, 3·I code, M, M (node, slot), output]. */
    private static int[] encode(int nodes, List<Stage> stages, List<Step> steps) {
        List<Integer> e = new ArrayList<>(List.of(nodes, steps.size(), stages.size()));
        for (Step s : steps) {
            e.addAll(List.of(s.node(), s.kind(), s.op(), s.a(), s.b(), s.running(), s.before()));
        }
        for (Stage stage : stages) {
            e.add(stage.reducedNodes().length);
            for (int node : stage.reducedNodes()) {
                e.add(node);
            }
            e.add(stage.code().length / 3);
            for (int c : stage.code()) {
                e.add(c);
            }
            e.add(stage.momentNodes().length);
            for (int m = 0; m < stage.momentNodes().length; m++) {
                e.add(stage.momentNodes()[m]);
                e.add(stage.momentSlots()[m]);
            }
            e.add(stage.outputSlot());
        }
        return e.stream().mapToInt(Integer::intValue).toArray();
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

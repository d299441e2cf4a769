package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.Reduction;
import dev.evonorm.graph.SignAnalysis;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs any {@link LayerGraph} on an NCHW float32 tensor, followed by the per-channel affine
 * {@code y·γ + β} (REFERENCE.md §1).
 *
 * <p>Parameters: {@code v0} (init 0) and {@code v1} (init 1) only when the live graph reads them;
 * {@code gamma}, {@code beta}; and for each live batch aggregate node i a non-trainable running
 * statistic {@code running_mean_i} (init 0) or {@code running_var_i} (init 1, holds the variance
 * without eps). In training mode the batch aggregates use the batch and update the running
 * statistic in place (official EMA); in inference mode they use the running statistic.
 *
 * <p>Semantics: s²_I is the population variance plus eps; aggregates over groups use the
 * {@link GroupSpec} of the options; signed_log(x) = sign(x)·ln|x| and signed_sqrt(x) =
 * sign(x)·√|x| are computed literally, so signed_log(0) = 0·(−∞) = NaN. NaN and Inf never throw:
 * they flow to the output for a screen to see. Only live nodes are computed.
 *
 * <p>Speed: every value keeps its natural reduced shape — the zero node is (1,1,1,1), v0/v1 and
 * batch aggregates (1,C,1,1), instance and group aggregates (N,C,1,1) — and element-wise ops
 * broadcast, so e.g. √s²(x) costs C or N·C roots. Chains of products/sums of a full tensor with
 * reduced values are fused into one pass, and so is the final affine ({@link GraphValue}). The
 * output is broadcast to the input shape only at the end.
 *
 * <p>Because of these rewrites (max(u, p) = relu(u − p) + p, (b·s + t)/r = b·(s/r) + t/r, variance
 * as E[v²] − E[v]²), finite results equal the literal op-by-op evaluation up to float rounding,
 * but where values overflow the non-finite result may differ in kind from the literal one (NaN
 * instead of ±Inf, e.g. max(u, −∞) gives NaN here). Screens treat both as non-finite.
 */
public class GraphBlock extends ChannelBlock {

    private final LayerGraph graph;
    private final LayerOptions options;
    private final boolean[] live;
    private final boolean[] nonNegative;
    private final Parameter v0;
    private final Parameter v1;
    private final Parameter gamma;
    private final Parameter beta;
    private final Map<Integer, Parameter> runningStats = new LinkedHashMap<>();
    private final boolean fusedKernels;
    /** Whether the graph has group aggregates (then the group setting must serve C). */
    private final boolean grouped;
    private GraphPlan trainingPlan;
    private GraphPlan inferencePlan;

    /** Runs on the fused graph executor where it is loaded, unless {@code options.fusedGraphs()} is false. */
    public GraphBlock(LayerGraph graph, LayerOptions options) {
        this(graph, options, options.fusedGraphs());
    }

    /**
     * @param fusedKernels false to compose DJL's ops even where the fused graph executor is loaded
     *     ({@link NativeKernels}; with it, the whole graph runs in one native call each way)
     */
    public GraphBlock(LayerGraph graph, LayerOptions options, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.graph = graph;
        this.options = options;
        this.live = graph.liveNodes();
        this.grouped = graph.primitivesUsed().stream().anyMatch(p -> p.reduction().orElse(null) == Reduction.GROUP);
        SignAnalysis signs = SignAnalysis.of(graph);
        this.nonNegative = new boolean[graph.size()];
        for (int i = 0; i < graph.size(); i++) {
            nonNegative[i] = signs.nonNegative(i);
        }
        this.v0 = live[LayerGraph.V0] ? trainable("v0", 0f) : null;
        this.v1 = live[LayerGraph.V1] ? trainable("v1", 1f) : null;
        this.gamma = trainable("gamma", 1f);
        this.beta = trainable("beta", 0f);
        for (int i = LayerGraph.INITIAL_NODES; i < graph.size(); i++) {
            Primitive op = graph.node(i).op();
            if (live[i] && op.dependsOnBatch()) {
                boolean variance = op.isSecondMoment();
                runningStats.put(i, runningStatistic((variance ? "running_var_" : "running_mean_") + i, variance));
            }
        }
    }

    public LayerGraph graph() {
        return graph;
    }

    public LayerOptions options() {
        return options;
    }

    /** Fails with a one-line message when the group setting cannot serve {@code channels}. */
    public void validateChannels(int channels) {
        checkChannels(channels);
    }

    @Override
    protected void checkChannels(int channels) {
        if (grouped) {
            options.groups().groupsFor(channels);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (fusedKernels && x.getShape().dimension() == 4 && x.getShape().get(2) * x.getShape().get(3) > 1
                && NativeKernels.acceptsGraphs(x)) {
            GraphPlan plan = plan(training);
            if (plan.usable()) {
                return new NDList(fusedForward(plan, store, x, training));
            }
        }
        Evaluation evaluation = new Evaluation(store, x, training);
        int output = graph.outputIndex();
        GraphValue out = evaluation.value(output);
        NDArray g = perChannel(store, gamma, x, training);
        NDArray b = perChannel(store, beta, x, training);
        NDArray y;
        if (out.isFull()) {
            GraphValue plain = out.isDeferredSquare() ? GraphValue.of(evaluation.tensor(output), true) : out;
            y = plain.thenAffine(g, b, false).materialize();
        } else {
            // A reduced output (the graph ignores x, or aggregates last): affine on the small
            // shape, then materialize at the input's shape.
            NDArray small = evaluation.tensor(output).mul(g).add(b);
            y = small.add(x.zerosLike());
        }
        return new NDList(y);
    }

    private GraphPlan plan(boolean training) {
        if (training) {
            if (trainingPlan == null) {
                trainingPlan = GraphPlan.plan(graph, true, GraphPlan.valueNonNegative(graph, nonNegative));
            }
            return trainingPlan;
        }
        if (inferencePlan == null) {
            inferencePlan = GraphPlan.plan(graph, false, GraphPlan.valueNonNegative(graph, nonNegative));
        }
        return inferencePlan;
    }

    /**
     * The forward pass on the fused graph executor: the whole graph — stages over the tensor,
     * statistics, running statistics (updated in place in training), v0/v1, γ/β — in one native
     * call, and its backward in one.
     */
    private NDArray fusedForward(GraphPlan plan, ParameterStore store, NDArray x, boolean training) {
        Shape shape = x.getShape();
        NDArray[] running = new NDArray[runningStats.size()];
        int r = 0;
        for (Parameter p : runningStats.values()) {
            running[r++] = p.getArray();
        }
        double bessel = options.besselRunningVar() ? RunningStatistic.bessel(shape.get(0) * shape.get(2) * shape.get(3)) : 1.0;
        double[] settings = {options.eps(), options.runningDecay(), bessel,
            grouped ? options.groups().groupsFor((int) shape.get(1)) : 1, training ? 1 : 0};
        return NativeKernels.graph(x, v0 == null ? null : perChannel(store, v0, x, training),
                v1 == null ? null : perChannel(store, v1, x, training),
                perChannel(store, gamma, x, training), perChannel(store, beta, x, training), running, plan.encoded(),
                settings);
    }

    /** One forward pass: node values by index, computed on demand, live nodes only. */
    private final class Evaluation {
        private final ParameterStore store;
        private final NDArray x;
        private final boolean training;
        private final Shape inputShape;
        private final NDManager manager;
        private final GraphValue[] values;
        private final Map<Integer, Moments> moments = new HashMap<>();

        Evaluation(ParameterStore store, NDArray x, boolean training) {
            this.store = store;
            this.x = x;
            this.training = training;
            this.inputShape = x.getShape();
            this.manager = x.getManager();
            this.values = new GraphValue[graph.size()];
        }

        GraphValue value(int index) {
            if (values[index] == null) {
                values[index] = compute(index);
            }
            return values[index];
        }

        private GraphValue compute(int index) {
            switch (index) {
                case LayerGraph.INPUT:
                    return GraphValue.of(x, false);
                case LayerGraph.ZERO:
                    return GraphValue.of(manager.zeros(new Shape(1, 1, 1, 1)), true);
                case LayerGraph.V0:
                    return GraphValue.of(ownGradient(perChannel(store, v0, x, training)), false);
                case LayerGraph.V1:
                    return GraphValue.of(ownGradient(perChannel(store, v1, x, training)), false);
                default:
                    break;
            }
            Node node = graph.node(index);
            Primitive op = node.op();
            if (op.isAggregate()) {
                return aggregate(index, op, node.left());
            }
            if (op.arity() == 1) {
                return unary(op, node.left());
            }
            return binary(op, node.left(), node.right());
        }

        /**
         * {@code v·1}: the parameter's gradient then arrives in a buffer of its own. Without it, in a
         * graph where v0 and v1 meet in a sum (x + v0 + v1), the sum's backward hands both the same
         * gradient tensor, PyTorch's first accumulation adopts it as both parameters' .grad, and
         * from then on — DJL zeroing and accumulating gradients in place — each parameter's
         * gradient is the sum of both (measured: 18, then 36 per channel, where 18 is right; the
         * optimizer's in-place zeroing after the first parameter's update then left the second
         * one none). Costs one C-element product each way.
         */
        private NDArray ownGradient(NDArray parameterView) {
            return EngineScalars.multiply(parameterView, 1.0);
        }

        /** Node {@code index}'s tensor; deferred work is done once and the result kept. */
        NDArray tensor(int index) {
            GraphValue v = value(index);
            if (v.isDeferredSquare()) {
                v = GraphValue.of(tensor(v.squareOf()).square(), true);
                values[index] = v;
            } else if (v.hasPendingAffine()) {
                v = GraphValue.of(v.materialize(), v.nonNegative());
                values[index] = v;
            }
            return v.base();
        }

        private GraphValue unary(Primitive op, int inputIndex) {
            GraphValue a = value(inputIndex);
            if (op == Primitive.SQUARE && a.isFull() && !a.isDeferredSquare()) {
                return GraphValue.squareOf(inputIndex);
            }
            if (op == Primitive.NEG && a.isFull() && !a.isDeferredSquare()) {
                return a.thenAffine(minusOne(), null, false);
            }
            NDArray v = tensor(inputIndex);
            return switch (op) {
                case NEG -> GraphValue.of(v.neg(), false);
                case SIGMOID -> GraphValue.of(v.getNDArrayInternal().sigmoid(), true);
                case TANH -> GraphValue.of(v.tanh(), false);
                case EXP -> GraphValue.of(v.exp(), true);
                case SIGNED_LOG -> GraphValue.of(v.sign().mul(v.abs().log()), false);
                case ABS -> GraphValue.of(v.abs(), true);
                case SQUARE -> GraphValue.of(v.square(), true);
                case SIGNED_SQRT -> a.nonNegative()
                        ? GraphValue.of(v.sqrt(), true)
                        : GraphValue.of(v.sign().mul(v.abs().sqrt()), false);
                default -> throw new IllegalStateException("not a unary element-wise primitive: " + op);
            };
        }

        private GraphValue binary(Primitive op, int leftIndex, int rightIndex) {
            GraphValue a = value(leftIndex);
            GraphValue b = value(rightIndex);
            boolean nonNegative = switch (op) {
                case ADD, MUL, DIV -> a.nonNegative() && b.nonNegative();
                case MAX -> a.nonNegative() || b.nonNegative();
                default -> false;
            };
            // A full value combined with a reduced one: defer into the pending affine.
            if (a.isFull() != b.isFull() && (op == Primitive.ADD || op == Primitive.MUL
                    || (op == Primitive.DIV && a.isFull()))) {
                int fullIndex = a.isFull() ? leftIndex : rightIndex;
                GraphValue full = a.isFull() ? a : b;
                if (full.isDeferredSquare()) {
                    full = GraphValue.of(tensor(fullIndex), true);
                }
                NDArray reduced = tensor(a.isFull() ? rightIndex : leftIndex);
                return switch (op) {
                    case ADD -> full.thenAffine(null, reduced, nonNegative);
                    case MUL -> full.thenAffine(reduced, null, nonNegative);
                    default -> full.thenAffine(EngineScalars.reciprocal(reduced), null, nonNegative);
                };
            }
            if (op == Primitive.MAX && a.isFull() != b.isFull()) {
                // max(u, p) = relu(u − p) + p: one fused pass (u's pending affine takes the − p),
                // a relu, and the + p stays pending. torch's maximum would cost about four full
                // passes forward and backward.
                int fullIndex = a.isFull() ? leftIndex : rightIndex;
                GraphValue full = a.isFull() ? a : b;
                if (full.isDeferredSquare()) {
                    full = GraphValue.of(tensor(fullIndex), true);
                }
                NDArray p = tensor(a.isFull() ? rightIndex : leftIndex);
                NDArray excess = full.thenAffine(null, p.neg(), false).materialize();
                return GraphValue.of(excess.getNDArrayInternal().relu(), true).thenAffine(null, p, nonNegative);
            }
            NDArray l = tensor(leftIndex);
            NDArray r = tensor(rightIndex);
            // Results attach to the first operand's manager; every value here is the input's.
            NDArray result = switch (op) {
                case ADD -> l.add(r);
                case MUL -> l.mul(r);
                case DIV -> l.div(r);
                case MAX -> l.maximum(r);
                default -> throw new IllegalStateException("not a binary element-wise primitive: " + op);
            };
            return GraphValue.of(result, nonNegative);
        }

        private NDArray minusOne() {
            return manager.full(new Shape(1, 1, 1, 1), -1f);
        }

        private GraphValue aggregate(int index, Primitive op, int inputIndex) {
            boolean variance = op.isSecondMoment();
            Reduction reduction = op.reduction().orElseThrow();
            float eps = (float) options.eps();
            if (reduction == Reduction.BATCH && !training) {
                NDArray running = RunningStatistic.asChannels(runningStats.get(index), x);
                return GraphValue.of(variance ? running.add(eps) : running, nonNegative[index]);
            }
            NDArray mean;
            NDArray meanOfSquares = null;
            if (value(inputIndex).isDeferredSquare() && !variance) {
                GraphValue input = value(inputIndex);
                // μ(v²) directly from v's moments (one product-and-sum pass, v² never built). The variance of
                // v² would need μ(v⁴): then v² is materialized like any value.
                mean = momentsOf(input.squareOf()).meanOfSquares();
            } else {
                Moments m = momentsOf(inputIndex);
                mean = m.mean();
                meanOfSquares = variance ? m.meanOfSquares() : null;
            }
            switch (reduction) {
                case BATCH -> {
                    mean = Moments.overBatch(mean);
                    meanOfSquares = variance ? Moments.overBatch(meanOfSquares) : null;
                }
                case GROUP -> {
                    int groups = options.groups().groupsFor((int) inputShape.get(1));
                    mean = Moments.overGroups(mean, groups);
                    meanOfSquares = variance ? Moments.overGroups(meanOfSquares, groups) : null;
                }
                case INSTANCE -> {
                }
            }
            NDArray result = variance ? Moments.variance(mean, meanOfSquares) : mean;
            if (reduction == Reduction.BATCH) {
                double factor = variance && options.besselRunningVar()
                        ? RunningStatistic.bessel(inputShape.get(0) * inputShape.get(2) * inputShape.get(3))
                        : 1.0;
                RunningStatistic.update(runningStats.get(index), result, options.runningDecay(), factor);
            }
            if (variance) {
                return GraphValue.of(result.add(eps), true);
            }
            return GraphValue.of(result, nonNegative[index]);
        }

        /** Moments of node {@code index}'s value (materialized), shared by all its aggregates. */
        private Moments momentsOf(int index) {
            Moments m = moments.get(index);
            if (m == null) {
                m = new Moments(tensor(index));
                moments.put(index, m);
            }
            return m;
        }
    }
}

package dev.evonorm.layers;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Node;
import dev.evonorm.graph.Primitive;

/**
 * An independent double-precision reference, written from the formulas of REFERENCE.md (§1, §2)
 * on plain NCHW arrays with every value full-size and every variance two-pass. It shares no code
 * with the DJL blocks.
 */
final class DoubleReference {
    final int n;
    final int c;
    final int h;
    final int w;

    DoubleReference(int n, int c, int h, int w) {
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    int size() {
        return n * c * h * w;
    }

    int index(int b, int ch, int y, int xx) {
        return ((b * c + ch) * h + y) * w + xx;
    }

    int channelOf(int i) {
        return (i / (h * w)) % c;
    }

    int sampleOf(int i) {
        return i / (c * h * w);
    }

    /** Per-channel parameters and, for inference, running statistics by node (null: use the batch). */
    record Params(double[] v0, double[] v1, double[] gamma, double[] beta, double eps, int groups,
            java.util.Map<Integer, double[]> running) {
    }

    double[] perChannel(double[] p) {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p[channelOf(i)];
        }
        return out;
    }

    // ---- aggregates: "key" picks the index set each element is averaged with ----

    private interface Key {
        int of(int i);
    }

    private Key key(Primitive op, int groups) {
        int perGroup = c / groups;
        return switch (op.reduction().orElseThrow()) {
            case BATCH -> this::channelOf;
            case INSTANCE -> i -> sampleOf(i) * c + channelOf(i);
            case GROUP -> i -> sampleOf(i) * groups + channelOf(i) / perGroup;
        };
    }

    double[] mean(double[] v, Key key, int keys) {
        double[] sum = new double[keys];
        int[] count = new int[keys];
        for (int i = 0; i < v.length; i++) {
            sum[key.of(i)] += v[i];
            count[key.of(i)]++;
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = sum[key.of(i)] / count[key.of(i)];
        }
        return out;
    }

    double[] variance(double[] v, Key key, int keys) {
        double[] mu = mean(v, key, keys);
        double[] sq = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            sq[i] = (v[i] - mu[i]) * (v[i] - mu[i]);
        }
        return mean(sq, key, keys);
    }

    double[] aggregate(Primitive op, double[] v, double eps, int groups) {
        Key key = key(op, groups);
        int keys = n * c;
        if (op.isSecondMoment()) {
            double[] var = variance(v, key, keys);
            for (int i = 0; i < var.length; i++) {
                var[i] += eps;
            }
            return var;
        }
        return mean(v, key, keys);
    }

    // ---- graphs ----

    double[] runGraph(LayerGraph graph, double[] x, Params p) {
        double[][] values = new double[graph.size()][];
        values[LayerGraph.INPUT] = x;
        values[LayerGraph.ZERO] = new double[size()];
        values[LayerGraph.V0] = perChannel(p.v0());
        values[LayerGraph.V1] = perChannel(p.v1());
        for (int k = LayerGraph.INITIAL_NODES; k < graph.size(); k++) {
            Node node = graph.node(k);
            Primitive op = node.op();
            double[] a = values[node.left()];
            if (op.isAggregate()) {
                double[] running = p.running() == null ? null : p.running().get(k);
                if (op.dependsOnBatch() && running != null) {
                    double[] r = perChannel(running);
                    if (op.isSecondMoment()) {
                        for (int i = 0; i < r.length; i++) {
                            r[i] += p.eps();
                        }
                    }
                    values[k] = r;
                } else {
                    values[k] = aggregate(op, a, p.eps(), p.groups());
                }
                continue;
            }
            double[] b = op.arity() == 2 ? values[node.right()] : null;
            double[] out = new double[size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = elementwise(op, a[i], b == null ? 0 : b[i]);
            }
            values[k] = out;
        }
        return affine(values[graph.outputIndex()], p);
    }

    static double elementwise(Primitive op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case NEG -> -a;
            case SIGMOID -> 1 / (1 + Math.exp(-a));
            case TANH -> Math.tanh(a);
            case EXP -> Math.exp(a);
            case SIGNED_LOG -> Math.signum(a) * Math.log(Math.abs(a));
            case ABS -> Math.abs(a);
            case SQUARE -> a * a;
            case SIGNED_SQRT -> Math.signum(a) * Math.sqrt(Math.abs(a));
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    double[] affine(double[] y, Params p) {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = y[i] * p.gamma()[channelOf(i)] + p.beta()[channelOf(i)];
        }
        return out;
    }

    // ---- named layers, straight from their formulas ----

    /** Batch variance per channel (biased), for running statistics. */
    double[] batchVariance(double[] x) {
        double[] v = variance(x, this::channelOf, c);
        double[] perChannel = new double[c];
        for (int i = 0; i < v.length; i++) {
            perChannel[channelOf(i)] = v[i];
        }
        return perChannel;
    }

    /**
     * A named layer. {@code runningVar} null means training mode (batch statistics).
     */
    double[] named(String name, double[] x, Params p, double[] runningVar, double[] tau) {
        double eps = p.eps();
        Key inst = i -> sampleOf(i) * c + channelOf(i);
        int groups = p.groups();
        Key group = i -> sampleOf(i) * groups + channelOf(i) / (c / groups);
        double[] out = new double[size()];
        double[] x2 = squares(x);
        double[] batchVar = batchVariance(x, runningVar);
        double[] instVar = variance(x, inst, n * c);
        double[] instMs = mean(x2, inst, n * c);
        double[] groupVar = variance(x, group, n * groups);
        double[] groupMs = mean(x2, group, n * groups);
        double[] groupMean = mean(x, group, n * groups);
        double[] instMean = mean(x, inst, n * c);
        double[] bnMean = mean(x, this::channelOf, c);
        double[] allMean = mean(x, i -> sampleOf(i), n);
        double[] allVar = variance(x, i -> sampleOf(i), n);
        for (int i = 0; i < out.length; i++) {
            int ch = channelOf(i);
            double xi = x[i];
            double g = p.gamma()[ch];
            double b = p.beta()[ch];
            double left = Math.sqrt(batchVar[i] + eps);
            double sig = 1 / (1 + Math.exp(-xi));
            out[i] = switch (name) {
                case "evonorm-b0" -> xi / Math.max(left, p.v1()[ch] * xi + Math.sqrt(instVar[i] + eps)) * g + b;
                case "evonorm-b1" -> xi / Math.max(left, (xi + 1) * Math.sqrt(instMs[i])) * g + b;
                case "evonorm-b2" -> xi / Math.max(left, Math.sqrt(instMs[i]) - xi) * g + b;
                case "evonorm-s0" -> xi / (1 + Math.exp(-p.v1()[ch] * xi)) / Math.sqrt(groupVar[i] + eps) * g + b;
                case "evonorm-s1" -> xi * sig / Math.sqrt(groupVar[i] + eps) * g + b;
                case "evonorm-s2" -> xi * sig / Math.sqrt(groupMs[i]) * g + b;
                case "gn-relu" -> Math.max(0, (xi - groupMean[i]) / Math.sqrt(groupVar[i] + eps) * g + b);
                case "in-relu" -> Math.max(0, (xi - instMean[i]) / Math.sqrt(instVar[i] + eps) * g + b);
                case "ln-relu" -> Math.max(0, (xi - allMean[i]) / Math.sqrt(allVar[i] + eps) * g + b);
                case "bn-relu" -> Math.max(0, (xi - bnMean[i]) / Math.sqrt(batchVar[i] + eps) * g + b);
                case "bn-silu" -> {
                    double y = (xi - bnMean[i]) / Math.sqrt(batchVar[i] + eps) * g + b;
                    yield y / (1 + Math.exp(-y));
                }
                case "frn-tlu" -> Math.max(g * xi / Math.sqrt(instMs[i] + eps) + b, tau[ch]);
                case "relu" -> Math.max(0, xi);
                case "affine" -> xi * g + b;
                case "normalize-group-std" -> xi / Math.sqrt(groupVar[i] + eps) * g + b;
                case "normalize-group-rms" -> xi / Math.sqrt(groupMs[i]) * g + b;
                default -> throw new IllegalArgumentException(name);
            };
        }
        return out;
    }

    /**
     * For the B-series, the smallest relative gap between the two arguments of the max over all
     * elements: where it is tiny, float32 rounding may pick the other branch, and gradients of two
     * correct implementations legitimately differ there. Infinity for layers without that max.
     */
    double closestTie(String name, double[] x, Params p, double[] runningVar) {
        if (!name.startsWith("evonorm-b")) {
            return Double.POSITIVE_INFINITY;
        }
        Key inst = i -> sampleOf(i) * c + channelOf(i);
        double[] batchVar = batchVariance(x, runningVar);
        double[] instVar = variance(x, inst, n * c);
        double[] instMs = mean(squares(x), inst, n * c);
        double closest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            double left = Math.sqrt(batchVar[i] + p.eps());
            double right = switch (name) {
                case "evonorm-b0" -> p.v1()[channelOf(i)] * x[i] + Math.sqrt(instVar[i] + p.eps());
                case "evonorm-b1" -> (x[i] + 1) * Math.sqrt(instMs[i]);
                case "evonorm-b2" -> Math.sqrt(instMs[i]) - x[i];
                default -> throw new IllegalArgumentException(name);
            };
            closest = Math.min(closest, Math.abs(left - right) / Math.max(Math.abs(left), Math.abs(right)));
        }
        return closest;
    }

    private static double[] squares(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * x[i];
        }
        return out;
    }

    /** The per-channel batch variance, or the running one in inference (null: training). */
    private double[] batchVariance(double[] x, double[] runningVar) {
        return runningVar != null ? perChannel(runningVar) : variance(x, this::channelOf, c);
    }
}

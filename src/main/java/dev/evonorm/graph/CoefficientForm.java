package dev.evonorm.graph;

import java.util.Locale;

/**
 * A layer graph up to how its per-channel coefficients are parametrized: every sub-expression that
 * reads the trainable v0 or v1 but not the input x is a per-channel coefficient, and is written as
 * {@code c[value]} with the value it has when the layer is initialized (v0 = 0, v1 = 1), whatever
 * it computes. {@code tanh(x) + v0·x}, {@code tanh(x) + tanh(v0)·x} and
 * {@code tanh(x) + μ_{h,w,c/g}(v0)·x} share one coefficient form, {@code tanh(x) + c[0]·x}: each
 * scales x by a per-channel value that starts at 0 and that training moves; {@code tanh(x) + v1·x}
 * starts at 1 and is another form.
 *
 * <p>Why: in the seed-1 search of 2026-12-02 (runs18) most evaluated mutants only rewrote such a
 * coefficient, so a population of variants of one function kept the search in place. Sub-expressions
 * of the constant {@code zero} alone ({@code σ(0) = ½}, {@code exp(0) = 1}) keep their structure.
 */
public final class CoefficientForm {
    /** The variance of a per-channel constant is ε alone; the key uses the project's default ε. */
    private static final double EPS = 1e-5;

    private CoefficientForm() {
    }

    /** A short hex digest, equal for graphs with the same canonical structure up to coefficients. */
    public static String hash(LayerGraph graph) {
        return CanonicalForm.digest(expression(graph));
    }

    /** The output's expression with every coefficient written as {@code c[initial value]}, commutative inputs ordered. */
    public static String expression(LayerGraph graph) {
        int size = graph.size();
        String[] sig = new String[size];
        boolean[] readsX = new boolean[size];
        boolean[] readsParameter = new boolean[size];
        double[] initial = new double[size];
        for (int i = 0; i < LayerGraph.INITIAL_NODES; i++) {
            readsX[i] = i == LayerGraph.INPUT;
            readsParameter[i] = i == LayerGraph.V0 || i == LayerGraph.V1;
            initial[i] = i == LayerGraph.V1 ? 1 : 0;
            sig[i] = readsParameter[i] ? coefficient(initial[i]) : LayerGraph.initialName(i);
        }
        for (int i = LayerGraph.INITIAL_NODES; i < size; i++) {
            Node n = graph.node(i);
            for (int in : n.inputs()) {
                readsX[i] |= readsX[in];
                readsParameter[i] |= readsParameter[in];
            }
            if (!readsX[i]) {
                initial[i] = apply(n, initial);
            }
            sig[i] = !readsX[i] && readsParameter[i] ? coefficient(initial[i]) : CanonicalForm.signature(n, sig);
        }
        return sig[graph.outputIndex()];
    }

    private static String coefficient(double value) {
        // Four significant digits: equal starts compare equal despite rounding in the last bits.
        return "c[" + (Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value + 0.0) : Double.toString(value)) + "]";
    }

    /** A primitive on per-channel constants: aggregates of a constant are the constant (means) or ε (variances). */
    private static double apply(Node n, double[] value) {
        double a = value[n.left()];
        double b = n.op().arity() == 2 ? value[n.right()] : 0;
        return switch (n.op()) {
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
            case MEAN_BATCH, MEAN_INSTANCE, MEAN_GROUP -> a;
            case VAR_BATCH, VAR_INSTANCE, VAR_GROUP -> EPS;
        };
    }
}

package dev.evonorm.graph;

/**
 * Prints a layer graph as a formula, in Unicode or LaTeX. Shared sub-expressions are written out
 * where used, as in the paper. The per-channel affine γ·y + β is not part of the graph and is not
 * printed.
 *
 * <p>The signed root and log print as plain {@code √a} and {@code ln a} when the argument is
 * provably non-negative (resp. positive) — s² (which includes ε), squares, |·|, exp, σ and
 * products/sums/means of such — so EvoNorm-B0 reads
 * {@code x / max(√s²_{b,h,w}(x), v1·x + √s²_{h,w}(x))}. Otherwise they print as
 * {@code sign(a)·√|a|} and {@code sign(a)·ln|a|}. {@code exp(0)} prints as 1.
 */
public final class Formula {
    private Formula() {
    }

    public static String unicode(LayerGraph graph) {
        return new Printer(graph, Style.UNICODE).render(graph.outputIndex()).text;
    }

    public static String latex(LayerGraph graph) {
        return new Printer(graph, Style.LATEX).render(graph.outputIndex()).text;
    }

    enum Style { UNICODE, LATEX }

    /** Binding strength of a printed expression: a sub-expression binding weaker than needed gets parentheses. */
    private static final int SUM = 1;
    private static final int PRODUCT = 2;
    private static final int PREFIX = 3;
    private static final int ATOM = 4;

    private record Text(String text, int strength) {
    }

    private static final class Printer {
        private final LayerGraph graph;
        private final Style style;
        private final SignAnalysis signs;

        Printer(LayerGraph graph, Style style) {
            this.graph = graph;
            this.style = style;
            this.signs = SignAnalysis.of(graph);
        }

        Text render(int index) {
            if (graph.isInitial(index)) {
                return new Text(initial(index), ATOM);
            }
            Node n = graph.node(index);
            return switch (n.op()) {
                case ADD -> sum(n);
                case MUL -> new Text(operand(n.left(), PRODUCT) + times() + operand(n.right(), PRODUCT), PRODUCT);
                case DIV -> divide(n);
                case MAX -> new Text(call(style == Style.LATEX ? "\\max" : "max",
                        render(n.left()).text + ", " + render(n.right()).text), ATOM);
                case NEG -> new Text(minus() + operand(n.left(), PREFIX), PREFIX);
                case SIGMOID -> new Text(call(style == Style.LATEX ? "\\sigma" : "σ", render(n.left()).text), ATOM);
                case TANH -> new Text(call(style == Style.LATEX ? "\\tanh" : "tanh", render(n.left()).text), ATOM);
                case EXP -> exp(n.left());
                case SIGNED_LOG -> signedLog(n.left());
                case ABS -> new Text(abs(render(n.left()).text), ATOM);
                case SQUARE -> new Text(operand(n.left(), ATOM) + (style == Style.LATEX ? "^2" : "²"), ATOM);
                case SIGNED_SQRT -> signedSqrt(n.left());
                case MEAN_BATCH, MEAN_INSTANCE, MEAN_GROUP, VAR_BATCH, VAR_INSTANCE, VAR_GROUP -> aggregate(n);
            };
        }

        private Text sum(Node n) {
            String left = operand(n.left(), SUM);
            int right = n.right();
            if (!graph.isInitial(right) && graph.node(right).op() == Primitive.NEG) {
                // a + (−b) reads better as a − b; b must then bind tighter than a sum.
                return new Text(left + " " + minus() + " " + operand(graph.node(right).left(), PRODUCT), SUM);
            }
            return new Text(left + " + " + operand(right, SUM), SUM);
        }

        private Text divide(Node n) {
            if (style == Style.LATEX) {
                return new Text("\\frac{" + render(n.left()).text + "}{" + render(n.right()).text + "}", ATOM);
            }
            return new Text(operand(n.left(), PRODUCT) + " / " + operand(n.right(), PREFIX), PRODUCT);
        }

        private Text exp(int arg) {
            if (arg == LayerGraph.ZERO) {
                return new Text("1", ATOM);
            }
            if (style == Style.LATEX) {
                return new Text("e^{" + render(arg).text + "}", ATOM);
            }
            return new Text(call("exp", render(arg).text), ATOM);
        }

        private Text signedLog(int arg) {
            String ln = style == Style.LATEX ? "\\ln" : "ln";
            if (signs.positive(arg)) {
                return new Text(call(ln, render(arg).text), ATOM);
            }
            String a = render(arg).text;
            return new Text(call(sign(), a) + times() + ln + abs(a), PRODUCT);
        }

        private Text signedSqrt(int arg) {
            String a = render(arg).text;
            if (signs.nonNegative(arg)) {
                return new Text(sqrt(arg, a), ATOM);
            }
            String root = style == Style.LATEX ? "\\sqrt{" + abs(a) + "}" : "√" + abs(a);
            return new Text(call(sign(), a) + times() + root, PRODUCT);
        }

        private String sqrt(int arg, String a) {
            if (style == Style.LATEX) {
                return "\\sqrt{" + a + "}";
            }
            return render(arg).strength == ATOM ? "√" + a : "√(" + a + ")";
        }

        private Text aggregate(Node n) {
            Primitive op = n.op();
            String sub = op.reduction().orElseThrow().subscript();
            String name;
            if (style == Style.LATEX) {
                name = (op.isSecondMoment() ? "s^2" : "\\mu") + "_{" + sub + "}";
            } else {
                name = (op.isSecondMoment() ? "s²" : "μ") + "_{" + sub + "}";
            }
            return new Text(call(name, render(n.left()).text), ATOM);
        }

        private String operand(int index, int needed) {
            Text t = render(index);
            if (t.strength >= needed) {
                return t.text;
            }
            return style == Style.LATEX ? "\\left(" + t.text + "\\right)" : "(" + t.text + ")";
        }

        private String call(String name, String args) {
            return style == Style.LATEX ? name + "\\left(" + args + "\\right)" : name + "(" + args + ")";
        }

        private String abs(String a) {
            return style == Style.LATEX ? "\\left|" + a + "\\right|" : "|" + a + "|";
        }

        private String sign() {
            return style == Style.LATEX ? "\\operatorname{sign}" : "sign";
        }

        private String times() {
            return style == Style.LATEX ? " \\cdot " : "·";
        }

        private String minus() {
            return style == Style.LATEX ? "-" : "−";
        }

        private String initial(int index) {
            if (style == Style.LATEX) {
                return switch (index) {
                    case LayerGraph.V0 -> "v_0";
                    case LayerGraph.V1 -> "v_1";
                    default -> LayerGraph.initialName(index);
                };
            }
            return LayerGraph.initialName(index);
        }
    }
}

package dev.evonorm.graph;

import static dev.evonorm.graph.Node.binary;
import static dev.evonorm.graph.Node.unary;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FormulaTest {

    @Test
    void publishedLayersPrintAsInThePaper() {
        assertEquals("x / max(√s²_{b,h,w}(x), v1·x + √s²_{h,w}(x))", Formula.unicode(PublishedGraphs.B0));
        assertEquals("x / max(√s²_{b,h,w}(x), (x + 1)·√μ_{h,w}(x²))", Formula.unicode(PublishedGraphs.B1));
        assertEquals("x / max(√s²_{b,h,w}(x), √μ_{h,w}(x²) − x)", Formula.unicode(PublishedGraphs.B2));
        assertEquals("x·σ(v1·x) / √s²_{h,w,c/g}(x)", Formula.unicode(PublishedGraphs.S0));
        assertEquals("x·σ(x) / √s²_{h,w,c/g}(x)", Formula.unicode(PublishedGraphs.S1));
        assertEquals("x·σ(x) / √μ_{h,w,c/g}(x²)", Formula.unicode(PublishedGraphs.S2));
    }

    @Test
    void latex() {
        assertEquals("\\frac{x}{\\max\\left(\\sqrt{s^2_{b,h,w}\\left(x\\right)}, v_1 \\cdot x + \\sqrt{s^2_{h,w}\\left(x\\right)}\\right)}",
                Formula.latex(PublishedGraphs.B0));
        assertEquals("\\frac{x \\cdot \\sigma\\left(v_1 \\cdot x\\right)}{\\sqrt{s^2_{h,w,c/g}\\left(x\\right)}}",
                Formula.latex(PublishedGraphs.S0));
    }

    @Test
    void precedenceAndSignedFunctions() {
        // (x + v1) / (x · v0): both sides need parentheses in Unicode.
        LayerGraph g = LayerGraph.of(binary(Primitive.ADD, 0, 3), binary(Primitive.MUL, 0, 2), binary(Primitive.DIV, 4, 5));
        assertEquals("(x + v1) / (x·v0)", Formula.unicode(g));
        // The signed root of something that may be negative keeps its sign.
        LayerGraph s = LayerGraph.of(unary(Primitive.SIGNED_SQRT, 0));
        assertEquals("sign(x)·√|x|", Formula.unicode(s));
        LayerGraph l = LayerGraph.of(unary(Primitive.SIGMOID, 0), unary(Primitive.SIGNED_LOG, 4));
        assertEquals("ln(σ(x))", Formula.unicode(l));
        LayerGraph n = LayerGraph.of(binary(Primitive.ADD, 0, 2), unary(Primitive.NEG, 4), unary(Primitive.SQUARE, 5));
        assertEquals("(−(x + v0))²", Formula.unicode(n));
        LayerGraph sub = LayerGraph.of(binary(Primitive.ADD, 0, 3), unary(Primitive.NEG, 4), binary(Primitive.ADD, 0, 5));
        assertEquals("x − (x + v1)", Formula.unicode(sub));
    }
}

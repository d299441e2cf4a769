package dev.evonorm.graph;

import static dev.evonorm.graph.LayerGraph.INPUT;
import static dev.evonorm.graph.LayerGraph.V1;
import static dev.evonorm.graph.LayerGraph.ZERO;
import static dev.evonorm.graph.Node.binary;
import static dev.evonorm.graph.Node.unary;
import static dev.evonorm.graph.Primitive.ADD;
import static dev.evonorm.graph.Primitive.DIV;
import static dev.evonorm.graph.Primitive.EXP;
import static dev.evonorm.graph.Primitive.MAX;
import static dev.evonorm.graph.Primitive.MEAN_GROUP;
import static dev.evonorm.graph.Primitive.MEAN_INSTANCE;
import static dev.evonorm.graph.Primitive.MUL;
import static dev.evonorm.graph.Primitive.NEG;
import static dev.evonorm.graph.Primitive.SIGMOID;
import static dev.evonorm.graph.Primitive.SIGNED_SQRT;
import static dev.evonorm.graph.Primitive.SQUARE;
import static dev.evonorm.graph.Primitive.VAR_BATCH;
import static dev.evonorm.graph.Primitive.VAR_GROUP;
import static dev.evonorm.graph.Primitive.VAR_INSTANCE;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The six published EvoNorm layers (REFERENCE.md §2) written as graphs of the search space.
 * √ is {@link Primitive#SIGNED_SQRT}; its argument is non-negative here, so it is the plain root.
 * The constant 1 in B1 is written {@code exp(0)}, which is exactly 1 and has no trainable part.
 */
public final class PublishedGraphs {
    private PublishedGraphs() {
    }

    /** x / max(√s²_{b,h,w}(x), v1·x + √s²_{h,w}(x)). */
    public static final LayerGraph B0 = LayerGraph.of(
            unary(VAR_BATCH, INPUT),        // 4
            unary(SIGNED_SQRT, 4),          // 5
            binary(MUL, V1, INPUT),         // 6
            unary(VAR_INSTANCE, INPUT),     // 7
            unary(SIGNED_SQRT, 7),          // 8
            binary(ADD, 6, 8),              // 9
            binary(MAX, 5, 9),              // 10
            binary(DIV, INPUT, 10));        // 11

    /** x / max(√s²_{b,h,w}(x), (x+1)·√μ_{h,w}(x²)). Exactly the 10-node budget. */
    public static final LayerGraph B1 = LayerGraph.of(
            unary(VAR_BATCH, INPUT),        // 4
            unary(SIGNED_SQRT, 4),          // 5
            unary(EXP, ZERO),               // 6  = 1
            binary(ADD, INPUT, 6),          // 7  x + 1
            unary(SQUARE, INPUT),           // 8
            unary(MEAN_INSTANCE, 8),        // 9
            unary(SIGNED_SQRT, 9),          // 10
            binary(MUL, 7, 10),             // 11
            binary(MAX, 5, 11),             // 12
            binary(DIV, INPUT, 12));        // 13

    /** x / max(√s²_{b,h,w}(x), √μ_{h,w}(x²) − x). */
    public static final LayerGraph B2 = LayerGraph.of(
            unary(VAR_BATCH, INPUT),        // 4
            unary(SIGNED_SQRT, 4),          // 5
            unary(SQUARE, INPUT),           // 6
            unary(MEAN_INSTANCE, 6),        // 7
            unary(SIGNED_SQRT, 7),          // 8
            unary(NEG, INPUT),              // 9
            binary(ADD, 8, 9),              // 10
            binary(MAX, 5, 10),             // 11
            binary(DIV, INPUT, 11));        // 12

    /** x·σ(v1·x) / √s²_{h,w,c/g}(x). */
    public static final LayerGraph S0 = LayerGraph.of(
            binary(MUL, V1, INPUT),         // 4
            unary(SIGMOID, 4),              // 5
            binary(MUL, INPUT, 5),          // 6
            unary(VAR_GROUP, INPUT),        // 7
            unary(SIGNED_SQRT, 7),          // 8
            binary(DIV, 6, 8));             // 9

    /** x·σ(x) / √s²_{h,w,c/g}(x). */
    public static final LayerGraph S1 = LayerGraph.of(
            unary(SIGMOID, INPUT),          // 4
            binary(MUL, INPUT, 4),          // 5
            unary(VAR_GROUP, INPUT),        // 6
            unary(SIGNED_SQRT, 6),          // 7
            binary(DIV, 5, 7));             // 8

    /** x·σ(x) / √μ_{h,w,c/g}(x²). */
    public static final LayerGraph S2 = LayerGraph.of(
            unary(SIGMOID, INPUT),          // 4
            binary(MUL, INPUT, 4),          // 5
            unary(SQUARE, INPUT),           // 6
            unary(MEAN_GROUP, 6),           // 7
            unary(SIGNED_SQRT, 7),          // 8
            binary(DIV, 5, 8));             // 9

    private static final Map<String, LayerGraph> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("evonorm-b0", B0);
        BY_NAME.put("evonorm-b1", B1);
        BY_NAME.put("evonorm-b2", B2);
        BY_NAME.put("evonorm-s0", S0);
        BY_NAME.put("evonorm-s1", S1);
        BY_NAME.put("evonorm-s2", S2);
    }

    /** The published graphs by layer name ({@code evonorm-b0} …), in paper order. */
    public static Map<String, LayerGraph> byName() {
        return java.util.Collections.unmodifiableMap(BY_NAME);
    }
}

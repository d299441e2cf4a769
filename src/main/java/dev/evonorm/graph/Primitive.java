package dev.evonorm.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The primitives of the EvoNorm search space (paper Table 1; REFERENCE.md §1): twelve element-wise
 * operations and six aggregates. Every primitive maps one or two tensors of the layer's input shape
 * to a tensor of the same shape.
 */
public enum Primitive {
    ADD("add", 2, null),
    MUL("mul", 2, null),
    DIV("div", 2, null),
    MAX("max", 2, null),
    NEG("neg", 1, null),
    SIGMOID("sigmoid", 1, null),
    TANH("tanh", 1, null),
    EXP("exp", 1, null),
    /** sign(x)·ln|x|. */
    SIGNED_LOG("signed_log", 1, null),
    ABS("abs", 1, null),
    SQUARE("square", 1, null),
    /** sign(x)·√|x|. */
    SIGNED_SQRT("signed_sqrt", 1, null),
    MEAN_BATCH("mean_bhw", 1, Reduction.BATCH),
    /** Population variance over (b,h,w) plus ε (project default, see {@link #isSecondMoment()}). */
    VAR_BATCH("var_bhw", 1, Reduction.BATCH),
    MEAN_INSTANCE("mean_hw", 1, Reduction.INSTANCE),
    VAR_INSTANCE("var_hw", 1, Reduction.INSTANCE),
    MEAN_GROUP("mean_hwg", 1, Reduction.GROUP),
    VAR_GROUP("var_hwg", 1, Reduction.GROUP);

    private static final List<Primitive> ALL = List.of(values());
    private static final List<Primitive> BATCH_INDEPENDENT =
            ALL.stream().filter(p -> !p.dependsOnBatch()).collect(Collectors.toUnmodifiableList());

    private final String token;
    private final int arity;
    private final Reduction reduction;

    Primitive(String token, int arity, Reduction reduction) {
        this.token = token;
        this.arity = arity;
        this.reduction = reduction;
    }

    /** The stable name used in JSON and on the command line. */
    public String token() {
        return token;
    }

    /** Number of inputs: 1 or 2. */
    public int arity() {
        return arity;
    }

    public boolean isAggregate() {
        return reduction != null;
    }

    /** The reduction of an aggregate; empty for element-wise primitives. */
    public Optional<Reduction> reduction() {
        return Optional.ofNullable(reduction);
    }

    /**
     * True for the centered second moments s²_I. By project default they return the population
     * variance plus ε, so that √s² equals the official layers' {@code sqrt(var + eps)}.
     */
    public boolean isSecondMoment() {
        return this == VAR_BATCH || this == VAR_INSTANCE || this == VAR_GROUP;
    }

    public boolean dependsOnBatch() {
        return reduction != null && reduction.dependsOnBatch();
    }

    /** True when swapping the two inputs never changes the result. */
    public boolean isCommutative() {
        return this == ADD || this == MUL || this == MAX;
    }

    /** Every primitive, in declaration order. */
    public static List<Primitive> all() {
        return ALL;
    }

    /** The primitives of the batch-independent space (no batch aggregates). */
    public static List<Primitive> batchIndependent() {
        return BATCH_INDEPENDENT;
    }

    /** The primitives allowed in a search space. */
    public static List<Primitive> of(SearchSpace space) {
        return space == SearchSpace.BATCH_INDEPENDENT ? BATCH_INDEPENDENT : ALL;
    }

    /** Looks up a primitive by its token (case-insensitive); fails with a message listing the valid ones. */
    public static Primitive fromToken(String token) {
        String t = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (Primitive p : ALL) {
            if (p.token.equals(t)) {
                return p;
            }
        }
        throw new InvalidGraphException("unknown primitive '" + token + "'; use one of: "
                + Arrays.stream(values()).map(Primitive::token).collect(Collectors.joining(", ")));
    }
}

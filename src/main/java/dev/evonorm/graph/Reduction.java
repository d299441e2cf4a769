package dev.evonorm.graph;

/**
 * The index sets an aggregate primitive reduces over (REFERENCE.md §1). The result is broadcast
 * back to the input's shape, so every aggregate is shape-preserving like the element-wise ops.
 */
public enum Reduction {
    /** Over (b,h,w): one statistic per channel, shared by the whole mini-batch. */
    BATCH("b,h,w"),
    /** Over (h,w): one statistic per sample and channel. */
    INSTANCE("h,w"),
    /** Over (h,w,c/g): one statistic per sample and group of channels. */
    GROUP("h,w,c/g");

    private final String subscript;

    Reduction(String subscript) {
        this.subscript = subscript;
    }

    /** The index set as written in formulas, e.g. {@code b,h,w}. */
    public String subscript() {
        return subscript;
    }

    /** Only batch reductions make a sample's output depend on the other samples. */
    public boolean dependsOnBatch() {
        return this == BATCH;
    }
}

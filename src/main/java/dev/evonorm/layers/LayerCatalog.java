package dev.evonorm.layers;

import dev.evonorm.graph.Formula;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import java.util.List;
import java.util.Optional;

/** Every named layer of {@link Layers}, with what it is, its formula, and whether it depends on the batch. */
public final class LayerCatalog {
    private LayerCatalog() {
    }

    /**
     * @param name the factory name
     * @param description one line
     * @param formula the layer as text (for EvoNorms the published graph's formula)
     * @param batchDependent true when a sample's output depends on the rest of the batch in training
     *     (such layers keep running statistics for inference)
     */
    public record Entry(String name, String description, String formula, boolean batchDependent) {
    }

    private static final String B0 = evonorm(PublishedGraphs.B0);
    private static final String B1 = evonorm(PublishedGraphs.B1);
    private static final String B2 = evonorm(PublishedGraphs.B2);
    private static final String S0 = evonorm(PublishedGraphs.S0);
    private static final String S1 = evonorm(PublishedGraphs.S1);
    private static final String S2 = evonorm(PublishedGraphs.S2);

    private static final List<Entry> ENTRIES = List.of(
            new Entry("bn-relu", "BatchNorm then ReLU (DJL BatchNorm; PyTorch running stats)", "max((x − μ_{b,h,w})/√(σ²_{b,h,w}+ε)·γ + β, 0)", true),
            new Entry("bn-silu", "BatchNorm then SiLU", "y·σ(y), y = (x − μ_{b,h,w})/√(σ²_{b,h,w}+ε)·γ + β", true),
            new Entry("gn-relu", "GroupNorm (groups per options, default up to 32) then ReLU", "max((x − μ_{h,w,c/g})/√(σ²_{h,w,c/g}+ε)·γ + β, 0)", false),
            new Entry("ln-relu", "LayerNorm over (C,H,W) then ReLU", "max((x − μ_{c,h,w})/√(σ²_{c,h,w}+ε)·γ + β, 0)", false),
            new Entry("in-relu", "InstanceNorm then ReLU", "max((x − μ_{h,w})/√(σ²_{h,w}+ε)·γ + β, 0)", false),
            new Entry("frn-tlu", "Filter Response Normalization with Thresholded Linear Unit (alias frn)", "max(γ·x/√(μ_{h,w}(x²)+ε) + β, τ)", false),
            new Entry("relu", "ReLU alone, no normalization", "max(x, 0)", false),
            new Entry("evonorm-b0", "EvoNorm-B0, hand-written, official semantics", B0, true),
            new Entry("evonorm-b1", "EvoNorm-B1, hand-written (paper: √μ(x²) without ε)", B1, true),
            new Entry("evonorm-b2", "EvoNorm-B2, hand-written (paper: √μ(x²) without ε)", B2, true),
            new Entry("evonorm-s0", "EvoNorm-S0, hand-written, official semantics", S0, false),
            new Entry("evonorm-s1", "EvoNorm-S1, hand-written", S1, false),
            new Entry("evonorm-s2", "EvoNorm-S2, hand-written (paper: √μ(x²) without ε)", S2, false),
            new Entry("evonorm-b0-graph", "EvoNorm-B0 run as a graph by GraphBlock", B0, true),
            new Entry("evonorm-b1-graph", "EvoNorm-B1 run as a graph by GraphBlock", B1, true),
            new Entry("evonorm-b2-graph", "EvoNorm-B2 run as a graph by GraphBlock", B2, true),
            new Entry("evonorm-s0-graph", "EvoNorm-S0 run as a graph by GraphBlock", S0, false),
            new Entry("evonorm-s1-graph", "EvoNorm-S1 run as a graph by GraphBlock", S1, false),
            new Entry("evonorm-s2-graph", "EvoNorm-S2 run as a graph by GraphBlock", S2, false),
            new Entry("evonorm-s0a", "timm's S0a: ε = 1e-3; without activation keeps the normalization", S0, false),
            new Entry("evonorm-s1a", "timm's S1a: ε = 1e-3; without activation keeps the normalization", S1, false),
            new Entry("evonorm-s2a", "timm's S2a: ε = 1e-3; without activation keeps the normalization", S2, false),
            new Entry("evonorm-b0-timm", "timm's B0: ε = 1e-3, Bessel-corrected running variance", B0, true));

    /** The graph's formula with the affine that ends every EvoNorm layer. */
    private static String evonorm(LayerGraph graph) {
        return "(" + Formula.unicode(graph) + ")·γ + β";
    }

    /** All named layers, in a stable order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Optional<Entry> find(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}

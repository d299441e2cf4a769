package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.PublishedGraphs;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The norm-act layers by name: {@code bn-relu}, {@code evonorm-s0}, {@code graph:<json>} … (see
 * {@link LayerCatalog}). At a {@link NormPosition#NORM_ONLY} position baselines drop their
 * activation; EvoNorm and graph layers follow {@link LayerOptions#normOnly()}.
 */
public final class Layers {
    private Layers() {
    }

    /** The prefix of a layer given as a graph: {@code graph:<path to a JSON file or inline JSON>}. */
    public static final String GRAPH_PREFIX = "graph:";

    /**
     * The graph of the search space that a layer name stands for: a published EvoNorm
     * ({@code evonorm-b0} … {@code evonorm-s2}, also with the {@code -graph} suffix) or
     * {@code graph:<file or inline JSON>}; empty for layers that are not graphs of the space (the
     * baselines, whose activation follows the affine).
     *
     * @throws IllegalArgumentException for an unreadable or invalid graph spec
     */
    public static Optional<LayerGraph> graphOf(String spec) {
        String name = spec == null ? "" : spec.trim();
        if (name.startsWith(GRAPH_PREFIX)) {
            return Optional.of(GraphSpec.read(name.substring(GRAPH_PREFIX.length())));
        }
        name = name.toLowerCase(Locale.ROOT);
        LayerGraph published = PublishedGraphs.byName().get(name);
        return Optional.ofNullable(published != null ? published : graphFormOf(name));
    }

    /** The published graph behind a graph-form name ({@code evonorm-b0-graph}), or null. */
    private static LayerGraph graphFormOf(String lowerCaseName) {
        String suffix = "-graph";
        return lowerCaseName.endsWith(suffix)
                ? PublishedGraphs.byName().get(lowerCaseName.substring(0, lowerCaseName.length() - suffix.length())) : null;
    }

    /**
     * The factory for a layer name.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or
     *     an unreadable/invalid graph spec
     */
    public static NormActFactory factory(String spec, LayerOptions options) {
        String name = spec == null ? "" : spec.trim();
        if (name.startsWith(GRAPH_PREFIX)) {
            return graph(GraphSpec.read(name.substring(GRAPH_PREFIX.length())), options);
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.equals("frn")) {
            name = "frn-tlu";
        }
        LayerOptions timmA = options.withEps(1e-3).withNormOnly(NormOnlyPolicy.NORMALIZE);
        return switch (name) {
            case "bn-relu" -> named(name, (c, p) -> batchNorm(options, p == NormPosition.NORM_ACT ? Activation.reluBlock() : null));
            case "bn-silu" -> named(name, (c, p) -> batchNorm(options, p == NormPosition.NORM_ACT ? new LambdaBlock(l -> new NDList(silu(l.singletonOrThrow())), "silu") : null));
            case "gn-relu" -> named(name, (c, p) -> checked(new GroupNormBlock(GroupNormBlock.Kind.GROUP, options, p == NormPosition.NORM_ACT), c, options));
            case "ln-relu" -> named(name, (c, p) -> new GroupNormBlock(GroupNormBlock.Kind.LAYER, options, p == NormPosition.NORM_ACT));
            case "in-relu" -> named(name, (c, p) -> new GroupNormBlock(GroupNormBlock.Kind.INSTANCE, options, p == NormPosition.NORM_ACT));
            case "frn-tlu" -> named(name, (c, p) -> new FrnTlu(options, p == NormPosition.NORM_ACT));
            case "relu" -> named(name, (c, p) -> p == NormPosition.NORM_ACT ? Activation.reluBlock() : new LambdaBlock(l -> l, "identity"));
            case "evonorm-b0" -> named(name, (c, p) -> evoB(EvoNormB.Variant.B0, options, p));
            case "evonorm-b1" -> named(name, (c, p) -> evoB(EvoNormB.Variant.B1, options, p));
            case "evonorm-b2" -> named(name, (c, p) -> evoB(EvoNormB.Variant.B2, options, p));
            case "evonorm-b0-timm" -> named(name, (c, p) -> evoB(EvoNormB.Variant.B0, options.withEps(1e-3).withBesselRunningVar(true), p));
            case "evonorm-s0" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S0, options, c, p));
            case "evonorm-s1" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S1, options, c, p));
            case "evonorm-s2" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S2, options, c, p));
            case "evonorm-s0a" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S0, timmA, c, p));
            case "evonorm-s1a" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S1, timmA, c, p));
            case "evonorm-s2a" -> named(name, (c, p) -> evoS(EvoNormS.Variant.S2, timmA, c, p));
            default -> {
                LayerGraph graph = graphFormOf(name);
                if (graph != null) {
                    yield named(name, (c, p) -> graphBlock(graph, options, c, p));
                }
                throw new IllegalArgumentException("unknown layer '" + spec + "'; use one of: "
                        + LayerCatalog.entries().stream().map(LayerCatalog.Entry::name).collect(Collectors.joining(", "))
                        + ", frn, or graph:<path to a JSON file or inline JSON>");
            }
        };
    }

    /**
     * The factory for a layer given as a graph, as the search uses it. Named by its JSON, so a run
     * record names exactly the layer that was built.
     */
    public static NormActFactory graph(LayerGraph graph, LayerOptions options) {
        return named(GRAPH_PREFIX + GraphJson.toJson(graph), (c, p) -> graphBlock(graph, options, c, p));
    }

    /** {@link #factory(String, LayerOptions)} with the official defaults. */
    public static NormActFactory factory(String spec) {
        return factory(spec, LayerOptions.defaults());
    }

    private static NormActFactory named(String name, BiFunction<Integer, NormPosition, Block> build) {
        return new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                return build.apply(channels, position);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static Block checked(Block block, int channels, LayerOptions options) {
        options.groups().groupsFor(channels);
        return block;
    }

    private static Block batchNorm(LayerOptions options, Block activation) {
        BatchNorm bn = BatchNorm.builder()
                .optEpsilon((float) options.eps())
                .optMomentum((float) options.runningDecay())
                .build();
        return activation == null ? bn : new SequentialBlock().add(bn).add(activation);
    }

    private static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    private static Block evoB(EvoNormB.Variant variant, LayerOptions options, NormPosition position) {
        boolean affineOnly = position == NormPosition.NORM_ONLY && options.normOnly() != NormOnlyPolicy.FULL;
        return new EvoNormB(variant, options, affineOnly);
    }

    private static Block evoS(EvoNormS.Variant variant, LayerOptions options, int channels, NormPosition position) {
        EvoNormS.Mode mode = position == NormPosition.NORM_ACT ? EvoNormS.Mode.FULL
                : switch (options.normOnly()) {
                    case AFFINE -> EvoNormS.Mode.AFFINE;
                    case NORMALIZE -> EvoNormS.Mode.NORMALIZE;
                    case FULL -> EvoNormS.Mode.FULL;
                };
        if (mode != EvoNormS.Mode.AFFINE) {
            options.groups().groupsFor(channels);
        }
        return new EvoNormS(variant, options, mode);
    }

    private static Block graphBlock(LayerGraph graph, LayerOptions options, int channels, NormPosition position) {
        if (position == NormPosition.NORM_ONLY && options.normOnly() != NormOnlyPolicy.FULL) {
            return new AffineBlock();
        }
        GraphBlock block = new GraphBlock(graph, options);
        block.validateChannels(channels);
        return block;
    }
}

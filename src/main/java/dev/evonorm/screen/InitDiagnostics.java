package dev.evonorm.screen;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.evonorm.data.DataBatch;
import dev.evonorm.data.EvaluationBatches;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.train.Initialization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The initialization diagnostics of "Beyond BatchNorm" (REFERENCE.md §4): build a network with a
 * layer at every norm-act site, initialize it as training would (same initializer, same seed
 * rule), run one mini-batch forward in training mode and backward from its mean cross-entropy,
 * and report at every site the activation variance, how alike the samples are (mean cosine
 * similarity, stable rank of their Gram matrix) and the gradient norm. Nothing is trained.
 */
public final class InitDiagnostics {
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

    /** One network's measures: the batch's loss at initialization and each site's figures, in forward order. */
    public record Result(double loss, List<SiteMeasures> sites) {
    }

    private InitDiagnostics() {
    }

    /** {@code size} distinct examples of {@code split}, chosen by {@code seed}, in index order. */
    public static ImageDataset sample(ImageDataset split, int size, long seed) {
        if (size < 2 || size > split.count()) {
            throw new IllegalArgumentException("a diagnostic batch needs 2 to " + split.count() + " examples, got " + size);
        }
        int[] chosen = new SplittableRandom(seed).ints(0, split.count()).distinct().limit(size).sorted().toArray();
        return split.select(chosen, split.name() + " sample of " + size);
    }

    /**
     * The measures of {@code layer} in {@code architecture}, initialized with {@code seed}, on the
     * whole of {@code batch}.
     */
    public static Result measure(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                 ImageDataset batch, long seed) {
        return measure(architecture, archConfig, layer, batch, seed, true, seen -> { });
    }

    /**
     * The loss and the gradient norms only (variances, cosine and stable rank are NaN): no copy of
     * the activations and no Gram matrices, which cost more than the forward and backward pass.
     */
    public static Result measureGradients(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                                ImageDataset batch, long seed) {
        return measure(architecture, archConfig, layer, batch, seed, false, seen -> { });
    }

    /** The same, showing the raw tensors of every site to {@code inspect} before they are freed (for tests). */
    static Result measure(Architecture architecture, ArchConfig archConfig, NormActFactory layer, ImageDataset batch,
                          long seed, Consumer<List<SiteProbe.Seen>> inspect) {
        return measure(architecture, archConfig, layer, batch, seed, true, inspect);
    }

    private static Result measure(Architecture architecture, ArchConfig archConfig, NormActFactory layer, ImageDataset batch,
                                  long seed, boolean activations, Consumer<List<SiteProbe.Seen>> inspect) {
        ProbedLayer probed = new ProbedLayer(layer);
        Initialization.seed(seed);
        Block network = architecture.build(probed, archConfig);
        try (NDManager manager = NDManager.newBaseManager()) {
            Initialization.apply(network, manager, archConfig.inputShape(batch.count()));
            probed.seen().clear();
            DataBatch data = new EvaluationBatches(batch, batch.count()).iterator(manager).next();
            double loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = network.forward(new ParameterStore(manager, false), data.dataList(), true).singletonOrThrow();
                NDArray mean = LOSS.evaluate(data.labelList(), new NDList(logits));
                collector.backward(mean);
                loss = mean.getFloat();
            }
            List<SiteMeasures> sites = new ArrayList<>();
            for (SiteProbe.Seen seen : probed.seen()) {
                int index = sites.size() + 1;
                int samples = batch.count();
                int channels = seen.site().channels();
                String name = seen.site().site() == null ? "site " + index : seen.site().site();
                double gradientNorm = SiteMeasures.norm(seen.zeroLeaf().getGradient().toFloatArray());
                if (!activations) {
                    sites.add(new SiteMeasures(index, name, channels, Double.NaN, Double.NaN, Double.NaN, Double.NaN, gradientNorm));
                    continue;
                }
                float[] input = seen.input().toFloatArray();
                GramGeometry shape = GramGeometry.of(input, samples);
                sites.add(new SiteMeasures(index, name, channels, SiteMeasures.meanChannelVariance(input, samples, channels),
                        SiteMeasures.meanChannelVariance(seen.output().toFloatArray(), samples, channels),
                        shape.cosine(), shape.stableRank(), gradientNorm));
            }
            inspect.accept(probed.seen());
            return new Result(loss, List.copyOf(sites));
        }
    }
}

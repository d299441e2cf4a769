package dev.evonorm.screen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.GroupSpec;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.models.PlainConvNet;
import dev.evonorm.models.PreActResNet;
import dev.evonorm.models.ArchitectureRole;
import dev.evonorm.train.Initialization;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The initialization diagnostics measure what they say: exact geometry and variance on known
 * inputs, probes that leave the network's output untouched and read the true gradient at a site,
 * and, on small deep networks, the three findings of "Beyond BatchNorm" that the measures exist to show.
 */
class InitDiagnosticsTest {
    private static final ArchConfig SMALL = new ArchConfig(1, 16, 10, 1.0, 1.0);
    /** Deep and narrow so that depth effects show in a test's time. */
    private static final Architecture DEEP_RESNET = new PreActResNet("test-deep-resnet", ArchitectureRole.DIAGNOSTIC, 8,
            List.of(8), List.of(12));
    private static final Architecture DEEP_PLAIN = new PlainConvNet("test-plain", 16, List.of(8, 16));

    private static ImageDataset batch(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] pixels = new float[n * 16 * 16];
        int[] labels = new int[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return ImageDataset.of("noise", pixels, labels, 1, 16, 16, 10);
    }

    @Test
    void gramGeometryOfKnownSamples() {
        // Orthogonal samples: no similarity, full stable rank.
        GramGeometry orthogonal = GramGeometry.of(new float[] {3, 0, 0, 0, -2, 0, 0, 0, 5}, 3);
        assertEquals(0, orthogonal.cosine(), 1e-12);
        assertEquals(3, orthogonal.stableRank(), 1e-9);
        // The same direction at different lengths: similarity 1, stable rank 1.
        GramGeometry aligned = GramGeometry.of(new float[] {1, 2, 2, 4, -3, -6}, 3);
        assertEquals(-1.0 / 3, aligned.cosine(), 1e-9, "two of the three pairs are opposite: (1 - 1 - 1) / 3");
        assertEquals(1, aligned.stableRank(), 1e-9);
        // Two samples at 45°: G = [[1, c], [c, 1]], λ_max = 1 + c.
        double c = Math.sqrt(0.5);
        GramGeometry angled = GramGeometry.of(new float[] {1, 0, 1, 1}, 2);
        assertEquals(c, angled.cosine(), 1e-7);
        assertEquals(2 / (1 + c), angled.stableRank(), 1e-6);
        // A sample of zeros has no direction.
        assertTrue(Double.isNaN(GramGeometry.of(new float[] {1, 2, 0, 0}, 2).cosine()));
        assertThrows(IllegalArgumentException.class, () -> GramGeometry.of(new float[] {1, 2, 3}, 2));
    }

    @Test
    void largestEigenvalueOfAGramMatrixEigenDecompositionGaveUpOn() throws java.io.IOException {
        // Rows 1-48 of the Gram matrix of a real layer's site (σ(s²_{h,w}(x))² in the proxy ResNet;
        // samples nearly parallel), on which commons-math's EigenDecomposition threw "convergence
        // failed" and stopped a whole diagnose run.
        double[][] gram;
        try (var in = new java.util.zip.GZIPInputStream(getClass().getResourceAsStream("gram-eigen-no-convergence.txt.gz"))) {
            gram = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines()
                    .map(line -> java.util.Arrays.stream(line.split(" ")).mapToDouble(Double::parseDouble).toArray())
                    .toArray(double[][]::new);
        }
        assertEquals(48, gram.length);
        // Reference: power iteration with the Rayleigh quotient, in plain Java.
        double[] v = new double[gram.length];
        java.util.Arrays.fill(v, 1);
        double rayleigh = 0;
        for (int iteration = 0; iteration < 500; iteration++) {
            double[] w = new double[v.length];
            double dot = 0;
            double squares = 0;
            double length = 0;
            for (int i = 0; i < v.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    w[i] += gram[i][j] * v[j];
                }
                dot += v[i] * w[i];
                length += v[i] * v[i];
                squares += w[i] * w[i];
            }
            rayleigh = dot / length;
            for (int i = 0; i < v.length; i++) {
                v[i] = w[i] / Math.sqrt(squares);
            }
        }
        assertEquals(rayleigh, GramGeometry.largestEigenvalue(gram), 1e-9 * rayleigh);
    }

    @Test
    void channelVarianceIsOverSamplesAndPositions() {
        // Two samples, two channels, two positions: channel 0 holds 1,3 | 5,7; channel 1 is constant.
        float[] nchw = {1, 3, 4, 4, 5, 7, 4, 4};
        // Channel 0: mean 4, variance (9 + 1 + 1 + 9) / 4 = 5; channel 1: 0. Mean over channels 2.5.
        assertEquals(2.5, SiteMeasures.meanChannelVariance(nchw, 2, 2), 1e-12);
    }

    @Test
    void probesLeaveTheNetworkUnchangedAndSeeEverySiteInOrder() {
        ImageDataset data = batch(8, 1);
        float[] plain;
        float[] probed;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(pixels(data), SMALL.inputShape(8));
            plain = logits(Architectures.byName("resnet"), Layers.factory("evonorm-b0"), x, manager);
            ProbedLayer layer = new ProbedLayer(Layers.factory("evonorm-b0"));
            probed = logits(Architectures.byName("resnet"), layer, x, manager);
            assertEquals(List.of("stage1.block1.preNormAct", "stage1.block1.midNormAct", "stage2.block1.preNormAct",
                    "stage2.block1.midNormAct", "stage3.block1.preNormAct", "stage3.block1.midNormAct", "final.normAct"),
                    layer.seen().stream().map(s -> s.site().site()).toList());
        }
        assertArrayEquals(plain, probed, "the probe must not change what the network computes");

        InitDiagnostics.Result result = InitDiagnostics.measure(Architectures.byName("resnet"), SMALL,
                Layers.factory("evonorm-b0"), data, 3);
        assertEquals(7, result.sites().size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), result.sites().stream().map(SiteMeasures::index).toList());
        assertEquals(List.of(16, 16, 16, 32, 32, 64, 64), result.sites().stream().map(SiteMeasures::channels).toList());
        assertTrue(Math.abs(result.loss() - Math.log(10)) < 1.5, "a fresh network's loss is near log(10): " + result.loss());
        assertEquals(result, InitDiagnostics.measure(Architectures.byName("resnet"), SMALL, Layers.factory("evonorm-b0"), data, 3),
                "seeded");
    }

    private static float[] pixels(ImageDataset data) {
        float[] all = new float[data.count() * data.imageSize()];
        for (int i = 0; i < data.count(); i++) {
            data.copyImage(i, all, i * data.imageSize());
        }
        return all;
    }

    private static float[] logits(Architecture arch, dev.evonorm.layers.NormActFactory layer, NDArray x, NDManager manager) {
        Initialization.seed(5);
        Block network = arch.build(layer, SMALL);
        Initialization.apply(network, manager, x.getShape());
        return network.forward(new ParameterStore(manager, false), new ai.djl.ndarray.NDList(x), true)
                .singletonOrThrow().toFloatArray();
    }

    /**
     * Batch normalization in training mode is invariant to scaling and shifting each channel of its
     * input, so the true gradient at its input sums to zero and is orthogonal to the input, channel by
     * channel: a gradient read at the wrong place (the output, or not the input's) would not be.
     */
    @Test
    void theGradientAtASiteIsTheGradientAtTheLayersInput() {
        InitDiagnostics.measure(DEEP_PLAIN, SMALL, Layers.factory("bn-relu"), batch(8, 2), 1, seen -> {
            assertEquals(16, seen.size());
            for (SiteProbe.Seen site : seen) {
                float[] z = site.input().toFloatArray();
                float[] g = site.zeroLeaf().getGradient().toFloatArray();
                int channels = site.site().channels();
                int plane = z.length / (8 * channels);
                double gradientSquares = 0;
                for (float v : g) {
                    gradientSquares += (double) v * v;
                }
                assertTrue(gradientSquares > 0, "a gradient reaches " + site.site().site());
                for (int c = 0; c < channels; c++) {
                    double sum = 0;
                    double dot = 0;
                    double zz = 0;
                    double gg = 0;
                    for (int n = 0; n < 8; n++) {
                        for (int i = 0; i < plane; i++) {
                            int k = (n * channels + c) * plane + i;
                            sum += g[k];
                            dot += (double) z[k] * g[k];
                            zz += (double) z[k] * z[k];
                            gg += (double) g[k] * g[k];
                        }
                    }
                    double scale = Math.sqrt(zz * gg) + 1e-30;
                    assertEquals(0, sum / Math.sqrt(gg * 8 * plane + 1e-30), 1e-3, site.site().site() + " channel " + c + ": Σ g");
                    assertEquals(0, dot / scale, 1e-3, site.site().site() + " channel " + c + ": ⟨z, g⟩");
                }
            }
        });
    }

    /** A layer whose output ignores its input passes no gradient back: the figure is 0, not an error. */
    @Test
    void aSiteNoGradientReachesHasGradientNormZero() {
        InitDiagnostics.Result r = InitDiagnostics.measure(DEEP_PLAIN, SMALL,
                Layers.factory("graph:{\"nodes\": [{\"op\": \"tanh\", \"in\": [3]}]}"), batch(4, 5), 1);
        assertEquals(16, r.sites().size());
        r.sites().forEach(s -> assertEquals(0.0, s.gradientNorm(), s.site()));
        assertTrue(Double.isFinite(r.loss()));
    }

    /** Claim (i): without normalization the residual stream's variance compounds with depth; with it, it grows slowly. */
    @Test
    void normalizationStopsTheVarianceOfADeepResNetFromCompounding() {
        ImageDataset data = batch(8, 3);
        double plain = growth(InitDiagnostics.measure(DEEP_RESNET, SMALL, Layers.factory("relu"), data, 1));
        double batchNorm = growth(InitDiagnostics.measure(DEEP_RESNET, SMALL, Layers.factory("bn-relu"), data, 1));
        // Measured: ×96 to ×835 over five initializations without normalization (about ×1.5 a block
        // at this width of 8), ×4 to ×6 with BN-ReLU (one block's worth of variance added per block).
        assertTrue(plain > 30, "12 blocks without normalization: variance ×" + plain);
        assertTrue(batchNorm < 10, "12 blocks with BN-ReLU: variance ×" + batchNorm);
    }

    private static double growth(InitDiagnostics.Result r) {
        return r.sites().get(r.sites().size() - 1).inputVariance() / r.sites().get(0).inputVariance();
    }

    /**
     * Claims (ii) and (iii): normalizing over all channels at once (GroupNorm with one group, i.e.
     * LayerNorm) lets the samples of a deep plain network become alike, normalizing each channel
     * alone (InstanceNorm) keeps them apart and gives the early layers the larger gradients.
     */
    @Test
    void largeGroupsMakeSamplesAlikeAndSmallGroupsGiveEarlyLayersLargeGradients() {
        ImageDataset data = batch(16, 4);
        LayerOptions options = LayerOptions.defaults();
        InitDiagnostics.Result layerNorm = InitDiagnostics.measure(DEEP_PLAIN, SMALL,
                Layers.factory("gn-relu", options.withGroups(GroupSpec.exactly(1))), data, 1);
        InitDiagnostics.Result instanceNorm = InitDiagnostics.measure(DEEP_PLAIN, SMALL, Layers.factory("in-relu"), data, 1);
        double lnCosine = layerNorm.sites().get(15).cosine();
        double inCosine = instanceNorm.sites().get(15).cosine();
        assertTrue(lnCosine > inCosine + 0.1, "deep cosine similarity: one group " + lnCosine + ", instance " + inCosine);
        assertTrue(earlyOverLate(instanceNorm) > 2 * earlyOverLate(layerNorm),
                "gradient first/last: instance " + earlyOverLate(instanceNorm) + ", one group " + earlyOverLate(layerNorm));
    }

    private static double earlyOverLate(InitDiagnostics.Result r) {
        return r.sites().get(0).gradientNorm() / r.sites().get(r.sites().size() - 1).gradientNorm();
    }
}

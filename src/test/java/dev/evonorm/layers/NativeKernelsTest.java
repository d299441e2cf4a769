package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused native EvoNorm kernels against the same blocks composed of DJL's ops (themselves
 * checked against the double-precision reference and finite differences in ReferenceAgreementTest,
 * which runs the fused kernels where they are loaded): outputs, input and parameter gradients and
 * running statistics agree, in training and inference, on shapes whose rows are not a multiple of
 * the vector width, with several group settings, for every member and mode; edge cases (a constant
 * group, a NaN, a non-contiguous input) behave alike.
 */
class NativeKernelsTest extends ManagerPerClass {
    private static final String RESOURCE = "/dev/evonorm/native/linux-x86_64/libevonorm_torch.so";
    private static final double TOLERANCE = 1e-4;
    /**
     * For (N,C,1,1) inputs, where a group of two channels has two values: the composed form's float
     * variance E[x²] − μ² loses digits there (the fused form sums in double), so the two differ by
     * up to ~4e-4; {@link #onTinyGroupsTheFusedFormIsTheMoreAccurate} shows which one is right.
     */
    private static final double POINT_TOLERANCE = 2e-3;
    @Test
    void theLibraryIsUsedWhereverItWasBuilt() {
        boolean built = NativeKernels.class.getResource(RESOURCE) != null;
        // CI sets this so that a build that silently failed to make the library fails here instead
        // of leaving the kernels untested.
        if ("1".equals(System.getenv("EVONORM_REQUIRE_NATIVE"))) {
            assertTrue(built, "native/build.sh did not build the kernels (see the Maven build's output)");
        }
        if (built && !"off".equals(System.getProperty("evonorm.native"))) {
            assertTrue(NativeKernels.available(), NativeKernels.status().description());
        } else {
            assertFalse(NativeKernels.available(), NativeKernels.status().description());
        }
    }

    /** One comparison: a member, its options, and an input shape. */
    private record Case(String name, LayerOptions options, Shape shape,
            BiFunction<LayerOptions, Boolean, Block> make) {
    }

    private static List<Case> cases() {
        LayerOptions four = LayerOptions.defaults().withGroups(GroupSpec.exactly(4));
        LayerOptions perChannel = LayerOptions.defaults();
        List<Case> cases = new ArrayList<>();
        Shape odd = new Shape(3, 12, 7, 5);
        Shape point = new Shape(2, 8, 1, 1);
        Shape wide = new Shape(5, 4, 16, 16);
        for (EvoNormS.Variant v : EvoNormS.Variant.values()) {
            for (EvoNormS.Mode mode : List.of(EvoNormS.Mode.FULL, EvoNormS.Mode.NORMALIZE)) {
                String name = "evonorm-" + v.name().toLowerCase() + " " + mode;
                cases.add(new Case(name + " 4 groups " + odd, four, odd, (o, f) -> new EvoNormS(v, o, mode, f)));
                cases.add(new Case(name + " per channel " + odd, perChannel, odd, (o, f) -> new EvoNormS(v, o, mode, f)));
                cases.add(new Case(name + " eps 1e-3 " + wide, four.withEps(1e-3), wide, (o, f) -> new EvoNormS(v, o, mode, f)));
                cases.add(new Case(name + " " + point, four, point, (o, f) -> new EvoNormS(v, o, mode, f)));
            }
        }
        for (EvoNormB.Variant v : EvoNormB.Variant.values()) {
            String name = "evonorm-" + v.name().toLowerCase();
            cases.add(new Case(name + " " + odd, four, odd, (o, f) -> new EvoNormB(v, o, false, f)));
            cases.add(new Case(name + " eps 1e-3, Bessel " + wide, four.withEps(1e-3).withBesselRunningVar(true), wide,
                    (o, f) -> new EvoNormB(v, o, false, f)));
            cases.add(new Case(name + " " + point, four, point, (o, f) -> new EvoNormB(v, o, false, f)));
        }
        return cases;
    }

    @TestFactory
    List<DynamicTest> fusedEqualsComposedInTrainingAndInference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                assumeTrue(NativeKernels.available(), NativeKernels.status().description());
                Random rng = new Random(c.name().hashCode());
                Block[] pair = pair(c, rng);
                int size = (int) c.shape().size();
                for (int step = 0; step < 3; step++) {
                    double[] x = shifted(Harness.uniform(rng, size, -2, 2), rng);
                    double[] w = Harness.uniform(rng, size, -1, 1);
                    compare(c.name() + " training step " + step, Harness.run(pair[0], manager, x, c.shape(), w, true),
                            Harness.run(pair[1], manager, x, c.shape(), w, true), tolerance(c));
                }
                double[] x = shifted(Harness.uniform(rng, size, -2, 2), rng);
                double[] w = Harness.uniform(rng, size, -1, 1);
                compare(c.name() + " inference", Harness.run(pair[0], manager, x, c.shape(), w, false),
                        Harness.run(pair[1], manager, x, c.shape(), w, false), tolerance(c));
                if (pair[0].getParameters().keys().contains("running_var")) {
                    float[] fused = Harness.get(pair[0], "running_var");
                    float[] composed = Harness.get(pair[1], "running_var");
                    assertTrue(Harness.relativeError(fused, composed) <= TOLERANCE, c.name() + ": running variance");
                }
            }));
        }
        return tests;
    }

    @Test
    void onTinyGroupsTheFusedFormIsTheMoreAccurate() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        Shape shape = new Shape(2, 8, 1, 1);
        DoubleReference reference = new DoubleReference(2, 8, 1, 1);
        Case c = new Case("evonorm-s0", LayerOptions.defaults().withGroups(GroupSpec.exactly(4)), shape,
                (o, f) -> new EvoNormS(EvoNormS.Variant.S0, o, EvoNormS.Mode.FULL, f));
        Random rng = new Random(11);
        Block[] pair = pair(c, rng);
        double[] gamma = toDouble(Harness.get(pair[0], "gamma"));
        double[] beta = toDouble(Harness.get(pair[0], "beta"));
        double[] v1 = toDouble(Harness.get(pair[0], "v1"));
        DoubleReference.Params p = new DoubleReference.Params(null, v1, gamma, beta, 1e-5, 4, null);
        double fusedTotal = 0;
        double composedTotal = 0;
        for (int trial = 0; trial < 20; trial++) {
            // Two values per group, close together and away from zero: a small variance under a large mean.
            double[] x = new double[(int) shape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = 3 + 0.05 * rng.nextGaussian();
            }
            double[] expected = reference.named("evonorm-s0", x, p, null, null);
            fusedTotal += Harness.relativeError(Harness.forward(pair[0], manager, x, shape, true), expected);
            composedTotal += Harness.relativeError(Harness.forward(pair[1], manager, x, shape, true), expected);
        }
        assertTrue(fusedTotal / 20 <= 1e-5, "fused form's mean relative error " + fusedTotal / 20);
        assertTrue(fusedTotal < composedTotal, "fused " + fusedTotal / 20 + " vs composed " + composedTotal / 20);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void aConstantGroupGivesTheSameFiniteOutputAndGradients() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        Shape shape = new Shape(2, 8, 4, 4);
        for (Case c : List.of(
                new Case("evonorm-s0", LayerOptions.defaults().withGroups(GroupSpec.exactly(4)), shape,
                        (o, f) -> new EvoNormS(EvoNormS.Variant.S0, o, EvoNormS.Mode.FULL, f)),
                new Case("evonorm-b0", LayerOptions.defaults().withGroups(GroupSpec.exactly(4)), shape,
                        (o, f) -> new EvoNormB(EvoNormB.Variant.B0, o, false, f)))) {
            Random rng = new Random(3);
            Block[] pair = pair(c, rng);
            double[] x = Harness.uniform(rng, (int) shape.size(), -2, 2);
            // Sample 0's first group (channels 0 and 1) and channel 5 of sample 1 are constant.
            for (int i = 0; i < 2 * 16; i++) {
                x[i] = 0.75;
            }
            for (int i = 0; i < 16; i++) {
                x[(8 + 5) * 16 + i] = -1.25;
            }
            double[] w = Harness.uniform(rng, (int) shape.size(), -1, 1);
            Harness.Result fused = Harness.run(pair[0], manager, x, shape, w, true);
            for (float v : fused.output()) {
                assertTrue(Float.isFinite(v), c.name() + ": a constant group gave a non-finite output");
            }
            compare(c.name() + " with constant groups", fused, Harness.run(pair[1], manager, x, shape, w, true), TOLERANCE);
        }
    }

    @Test
    void aNanInTheInputReachesTheOutputAsInTheComposedForm() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        Shape shape = new Shape(2, 4, 3, 3);
        for (Case c : List.of(
                new Case("evonorm-s0", LayerOptions.defaults().withGroups(GroupSpec.exactly(2)), shape,
                        (o, f) -> new EvoNormS(EvoNormS.Variant.S0, o, EvoNormS.Mode.FULL, f)),
                new Case("evonorm-b1", LayerOptions.defaults(), shape,
                        (o, f) -> new EvoNormB(EvoNormB.Variant.B1, o, false, f)))) {
            Block[] pair = pair(c, new Random(5));
            double[] x = Harness.uniform(new Random(6), (int) shape.size(), -2, 2);
            x[4] = Double.NaN;
            float[] fused = Harness.forward(pair[0], manager, x, shape, true);
            float[] composed = Harness.forward(pair[1], manager, x, shape, true);
            for (int i = 0; i < fused.length; i++) {
                assertEquals(Float.isNaN(composed[i]), Float.isNaN(fused[i]), c.name() + ": NaN at " + i);
            }
            assertTrue(Float.isNaN(fused[4]), c.name() + ": the NaN input's own output");
        }
    }

    @Test
    void aNonContiguousInputIsReadCorrectly() {
        assumeTrue(NativeKernels.available(), NativeKernels.status().description());
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(2));
        Shape shape = new Shape(3, 4, 5, 6);
        Random rng = new Random(8);
        for (boolean s : new boolean[] {true, false}) {
            Block fused = s ? new EvoNormS(EvoNormS.Variant.S0, options, EvoNormS.Mode.FULL, true)
                    : new EvoNormB(EvoNormB.Variant.B0, options, false, true);
            Block composed = s ? new EvoNormS(EvoNormS.Variant.S0, options, EvoNormS.Mode.FULL, false)
                    : new EvoNormB(EvoNormB.Variant.B0, options, false, false);
            Harness.initialized(fused, manager, shape);
            Harness.initialized(composed, manager, shape);
            double[] stored = Harness.uniform(rng, (int) shape.size(), -2, 2);
            float[][] outputs = new float[2][];
            float[][] gradients = new float[2][];
            Block[] blocks = {fused, composed};
            for (int k = 0; k < 2; k++) {
                try (NDManager step = manager.newSubManager()) {
                    // Stored as (N, C, W, H) and viewed as (N, C, H, W): a strided, non-contiguous input.
                    NDArray leaf = step.create(Harness.toFloat(stored), new Shape(3, 4, 6, 5));
                    leaf.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray view = leaf.transpose(0, 1, 3, 2);
                        NDArray y = blocks[k].forward(new ParameterStore(step, false), new NDList(view), true)
                                .singletonOrThrow();
                        outputs[k] = y.toFloatArray();
                        collector.backward(y.mul(y));
                    }
                    gradients[k] = leaf.getGradient().toFloatArray();
                }
            }
            assertTrue(Harness.relativeError(outputs[0], outputs[1]) <= TOLERANCE, (s ? "S0" : "B0") + " output");
            assertTrue(Harness.relativeError(gradients[0], gradients[1]) <= TOLERANCE, (s ? "S0" : "B0") + " gradient");
        }
    }

    /** The fused and the composed block of a case, initialized with the same random parameters. */
    private static Block[] pair(Case c, Random rng) {
        int channels = (int) c.shape().get(1);
        Block fused = Harness.initialized(c.make().apply(c.options(), true), manager, c.shape());
        Block composed = Harness.initialized(c.make().apply(c.options(), false), manager, c.shape());
        double[] gamma = Harness.uniform(rng, channels, 0.5, 1.5);
        double[] beta = Harness.uniform(rng, channels, -0.5, 0.5);
        double[] v1 = Harness.uniform(rng, channels, 0.5, 1.5);
        for (Block b : new Block[] {fused, composed}) {
            Harness.set(b, "gamma", gamma);
            Harness.set(b, "beta", beta);
            if (b.getParameters().keys().contains("v1")) {
                Harness.set(b, "v1", v1);
            }
        }
        return new Block[] {fused, composed};
    }

    /** Inputs with a per-position offset and scale, so statistics are not those of a centred input. */
    private static double[] shifted(double[] x, Random rng) {
        double shift = rng.nextDouble() - 0.5;
        double scale = 0.5 + rng.nextDouble();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * scale + shift;
        }
        return x;
    }

    private static double tolerance(Case c) {
        return c.shape().get(2) * c.shape().get(3) == 1 ? POINT_TOLERANCE : TOLERANCE;
    }

    private static void compare(String what, Harness.Result fused, Harness.Result composed, double tolerance) {
        double outputError = Harness.relativeError(fused.output(), composed.output());
        assertTrue(outputError <= tolerance, what + ": output (relative error " + outputError + ")");
        double gradientError = Harness.relativeError(fused.inputGradient(), composed.inputGradient());
        assertTrue(gradientError <= tolerance, what + ": input gradient (relative error " + gradientError + ")");
        assertEquals(composed.parameterGradients().keySet(), fused.parameterGradients().keySet(), what);
        for (String name : composed.parameterGradients().keySet()) {
            double error = Harness.relativeError(fused.parameterGradients().get(name), composed.parameterGradients().get(name));
            assertTrue(error <= tolerance, what + ": gradient of " + name + " (relative error " + error + ")");
        }
    }
}

package dev.evonorm.models;

import static dev.evonorm.layers.NormPosition.NORM_ACT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScalingTest {

    @Test
    void channelsRoundToTheNearestMultipleOfEightButNeverLoseMoreThanTenPercent() {
        assertEquals(16, Scaling.channels(16, 1.0));
        assertEquals(8, Scaling.channels(16, 0.5));
        assertEquals(8, Scaling.channels(16, 0.1), "at least 8");
        assertEquals(40, Scaling.channels(24, 1.5));
        assertEquals(16, Scaling.channels(12, 1.0), "12 rounds half up");
        assertEquals(16, Scaling.channels(10, 1.0), "8 would lose 20% of 10");
        assertEquals(72, Scaling.channels(75, 1.0), "75 rounds down to 72, which keeps more than 90%");
        assertEquals(80, Scaling.channels(76, 1.0), "76 is halfway and rounds up");
    }

    @Test
    void repeatsRoundUpAndKeepAtLeastOneBlock() {
        assertEquals(1, Scaling.repeats(1, 1.0));
        assertEquals(2, Scaling.repeats(1, 1.5));
        assertEquals(2, Scaling.repeats(3, 0.34));
        assertEquals(1, Scaling.repeats(3, 0.1));
        assertEquals(6, Scaling.repeats(3, 2.0));
        assertEquals(3, Scaling.repeats(3, 1.0 + 1e-12), "floating-point noise does not add a block");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void widthMultiplierScalesParametersRoughlyQuadratically(String name) {
        ArchConfig base = ArchConfig.fashionMnist();
        long narrow = ModelHarness.parameters(name, base.withWidthMultiplier(0.5));
        long normal = ModelHarness.parameters(name, base);
        long wide = ModelHarness.parameters(name, base.withWidthMultiplier(2.0));
        assertTrue(narrow < normal && normal < wide, narrow + " < " + normal + " < " + wide);
        // Conv weights grow with in×out channels; the classifier and depthwise convs only linearly.
        double ratio = (double) wide / normal;
        assertTrue(ratio > 2.5 && ratio < 4.5, "doubling the width multiplied parameters by " + ratio);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void depthMultiplierAddsBlocksAndParameters(String name) {
        ArchConfig base = ArchConfig.fashionMnist();
        long normal = ModelHarness.parameters(name, base);
        long deep = ModelHarness.parameters(name, base.withDepthMultiplier(2.0));
        assertTrue(deep > normal, deep + " > " + normal);

        TestNormActFactories.Recording shallowCalls = new TestNormActFactories.Recording();
        TestNormActFactories.Recording deepCalls = new TestNormActFactories.Recording();
        Architectures.byName(name).build(shallowCalls, base);
        Architectures.byName(name).build(deepCalls, base.withDepthMultiplier(2.0));
        assertTrue(deepCalls.count(NORM_ACT) > shallowCalls.count(NORM_ACT));
    }

    @Test
    void resnetDepthMultiplierDoublesEveryStage() {
        TestNormActFactories.Recording recording = new TestNormActFactories.Recording();
        Architectures.byName("resnet").build(recording, ArchConfig.fashionMnist().withDepthMultiplier(2.0));
        assertEquals(2 * 6 + 1, recording.count(NORM_ACT));
    }

    @Test
    void resnetParameterCountMatchesAHandCount() {
        // stem 3x3 1->16; stage1: 2 convs 16->16; stage2: 16->32, 32->32, 1x1 16->32;
        // stage3: 32->64, 64->64, 1x1 32->64; BN γ,β at 16,16,16,32,32,64,64; linear 64->10 + bias.
        long convs = 9 * 16 + 2 * 9 * 16 * 16 + 9 * 16 * 32 + 9 * 32 * 32 + 16 * 32
                + 9 * 32 * 64 + 9 * 64 * 64 + 32 * 64;
        long norms = 2L * (16 + 16 + 16 + 32 + 32 + 64 + 64);
        long linear = 64 * 10 + 10;
        assertEquals(convs + norms + linear, ModelHarness.parameters("resnet", ArchConfig.fashionMnist()));
    }
}

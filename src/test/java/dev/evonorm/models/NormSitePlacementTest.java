package dev.evonorm.models;

import static dev.evonorm.layers.NormPosition.NORM_ACT;
import static dev.evonorm.layers.NormPosition.NORM_ONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The factory is asked for exactly the documented positions (docs/architectures.md), in order. */
class NormSitePlacementTest {

    private static TestNormActFactories.Recording record(String name, ArchConfig config) {
        TestNormActFactories.Recording recording = new TestNormActFactories.Recording();
        Architectures.byName(name).build(recording, config);
        return recording;
    }

    @Test
    void resnetHasTwoNormActsPerBlockAndAFinalOne() {
        assertEquals(List.of("16A", "16A", "16A", "32A", "32A", "64A", "64A"),
                record("resnet", ArchConfig.fashionMnist()).labels());
    }

    @Test
    void deepResnetHasNineBlocks() {
        TestNormActFactories.Recording recording = record("resnet-deep", ArchConfig.cifar10());
        assertEquals(2 * 9 + 1, recording.count(NORM_ACT));
        assertEquals(0, recording.count(NORM_ONLY));
    }

    @Test
    void mobileNetV2HasALinearBottleneckInEveryBlock() {
        // stem; t=1 block (no expand); one t=6 block of 24; two of 32; one of 64; head.
        assertEquals(List.of("16A",
                "16A", "16O",
                "96A", "96A", "24O",
                "144A", "144A", "32O", "192A", "192A", "32O",
                "192A", "192A", "64O",
                "128A"), record("mobilenetv2", ArchConfig.fashionMnist()).labels());
    }

    @Test
    void efficientNetProjectionsAreNormOnly() {
        assertEquals(List.of("16A",
                "16A", "16O",
                "96A", "96A", "24O",
                "144A", "144A", "40O", "240A", "240A", "40O",
                "128A"), record("efficientnet", ArchConfig.cifar10()).labels());
    }

    @Test
    void mnasNetHasFiveBlocks() {
        TestNormActFactories.Recording recording = record("mnasnet", ArchConfig.cifar10());
        assertEquals(1 + 1 + 2 * 4 + 1, recording.count(NORM_ACT));
        assertEquals(5, recording.count(NORM_ONLY));
        assertEquals(List.of("16O", "24O", "24O", "40O", "64O"),
                recording.labels().stream().filter(l -> l.endsWith("O")).toList());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mobilenetv2", "efficientnet", "mnasnet"})
    void everyMobileNetworkKeepsAnIdentityResidual(String name) {
        Block network = Architectures.byName(name).build(TestNormActFactories.batchNormRelu(), ArchConfig.cifar10());
        long residuals = network.getChildren().values().stream().filter(ResidualAdd.class::isInstance).count();
        assertEquals(1, residuals);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void everyFactoryBlockIsUsedOnceAndTheArchitectureAddsNoNormOrActivationOfItsOwn(String name) {
        TestNormActFactories.Recording recording = new TestNormActFactories.Recording();
        Block network = Architectures.byName(name).build(recording, ArchConfig.fashionMnist());
        Set<Block> fromFactory = Collections.newSetFromMap(new IdentityHashMap<>());
        recording.calls.forEach(call -> fromFactory.add(call.block()));
        assertEquals(recording.calls.size(), fromFactory.size(), "one fresh block per call");

        List<Block> placed = new ArrayList<>();
        List<Block> ownNorms = new ArrayList<>();
        List<Block> ownLambdas = new ArrayList<>();
        walk(network, fromFactory, placed, ownNorms, ownLambdas);

        assertEquals(fromFactory.size(), placed.size(), "each factory block sits in the network exactly once");
        assertTrue(ownNorms.isEmpty(), "no BatchNorm outside factory blocks");
        // The global average pool is the only parameterless block of the architecture's own; a
        // stray activation would be another.
        assertEquals(1, ownLambdas.size(), "only the global pool, no activation outside factory blocks");
    }

    private static void walk(Block block, Set<Block> fromFactory, List<Block> placed, List<Block> ownNorms,
            List<Block> ownLambdas) {
        if (fromFactory.contains(block)) {
            placed.add(block);
            return;
        }
        if (block instanceof BatchNorm) {
            ownNorms.add(block);
        }
        if (block instanceof LambdaBlock) {
            ownLambdas.add(block);
        }
        block.getChildren().values().forEach(child -> walk(child, fromFactory, placed, ownNorms, ownLambdas));
    }

    @Test
    void resnetShortcutIsTheIdentityOnlyWhenTheShapeIsKept() {
        Block network = Architectures.byName("resnet-deep").build(TestNormActFactories.batchNormRelu(),
                ArchConfig.cifar10());
        List<Boolean> projections = network.getChildren().values().stream()
                .filter(PreActBasicBlock.class::isInstance)
                .map(b -> ((PreActBasicBlock) b).hasProjection())
                .toList();
        assertEquals(List.of(false, false, false, true, false, false, true, false, false), projections);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void everyChannelCountIsAMultipleOfEight(String name) {
        for (double width : new double[] {0.25, 0.35, 0.75, 1.0, 1.3, 2.0}) {
            TestNormActFactories.Recording recording = record(name, ArchConfig.cifar10().withWidthMultiplier(width));
            assertFalse(recording.calls.isEmpty());
            recording.calls.forEach(call -> assertEquals(0, call.channels() % 8,
                    name + " at width " + width + " asked for " + call.channels() + " channels"));
        }
    }
}

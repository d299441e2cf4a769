package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ArchitecturesRegistryTest {

    static Stream<String> allNames() {
        return Architectures.names().stream();
    }

    @Test
    void searchUsesThePapersTrioKeepsTwoHeldOutAndFourForDiagnostics() {
        assertEquals(List.of("resnet", "mobilenetv2", "efficientnet"),
                Architectures.search().stream().map(Architecture::name).toList());
        assertEquals(List.of("mnasnet", "resnet-deep"),
                Architectures.heldOut().stream().map(Architecture::name).toList());
        assertEquals(List.of("resnet", "mobilenetv2", "efficientnet", "mnasnet", "resnet-deep", "plain-10", "plain-20",
                "plain-40", "resnet-56"), Architectures.names());
        assertEquals(List.of("plain-10", "plain-20", "plain-40", "resnet-56"), Architectures.all().stream()
                .filter(a -> a.role() == ArchitectureRole.DIAGNOSTIC).map(Architecture::name).toList());
    }

    @Test
    void byNameReturnsTheRegisteredArchitecture() {
        for (Architecture architecture : Architectures.all()) {
            assertSame(architecture, Architectures.byName(architecture.name()));
            assertFalse(architecture.summary().isBlank());
        }
    }

    @Test
    void unknownNameFailsWithOneLineListingTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName("resnet50"));
        assertEquals("unknown architecture 'resnet50'; known: resnet, mobilenetv2, efficientnet, mnasnet, resnet-deep,"
                + " plain-10, plain-20, plain-40, resnet-56",
                e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName(null));
        assertTrue(missing.getMessage().startsWith("unknown architecture 'null'; known: resnet,"));
    }

    @Test
    void rejectedChannelCountNamesArchitecturePositionAndTheFactorysFix() {
        NormActFactory groups32 = TestNormActFactories.requiringGroups(32, NormPosition.NORM_ACT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName("resnet").build(groups32, ArchConfig.fashionMnist()));
        assertEquals("resnet: layer 'test-groups-32' cannot be placed at stage1.block1.preNormAct"
                + " (16 channels, NORM_ACT): 32 groups do not divide 16 channels;"
                + " use a group count that divides it, e.g. groups=8", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getCause() instanceof IllegalArgumentException, "the factory's exception is kept as cause");
    }

    @Test
    void rejectedNormOnlyPositionIsNamedToo() {
        NormActFactory groups32 = TestNormActFactories.requiringGroups(32, NormPosition.NORM_ONLY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName("mobilenetv2").build(groups32, ArchConfig.cifar10()));
        assertTrue(e.getMessage().startsWith(
                "mobilenetv2: layer 'test-groups-32' cannot be placed at stage1.block1.project.norm"
                        + " (16 channels, NORM_ONLY): 32 groups do not divide 16 channels"), e.getMessage());
    }

    @Test
    void factoryReturningNothingIsAnError() {
        NormActFactory broken = new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                return null;
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Architectures.byName("efficientnet").build(broken, ArchConfig.cifar10()));
        assertTrue(e.getMessage().contains("stem.normAct"), e.getMessage());
    }
}

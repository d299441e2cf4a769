package dev.evonorm.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.PublishedGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupsAndFactoryTest {

    @Test
    void upToPicksTheLargestDivisorAtMostG() {
        assertEquals(32, GroupSpec.upTo(32).groupsFor(64));
        assertEquals(24, GroupSpec.upTo(32).groupsFor(24));
        assertEquals(20, GroupSpec.upTo(32).groupsFor(40));
        assertEquals(1, GroupSpec.upTo(32).groupsFor(37));
        assertEquals(8, GroupSpec.exactly(8).groupsFor(24));
        assertEquals(3, GroupSpec.channelsPerGroup(8).groupsFor(24));
    }

    @Test
    void groupsThatCannotServeTheChannelsFailWithOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupSpec.exactly(32).groupsFor(24));
        assertEquals("32 groups do not divide 24 channels; use a group count that divides 24 "
                + "(1, 2, 3, 4, 6, 8, 12, 24) or groups up to 32", e.getMessage());
        IllegalArgumentException perGroup = assertThrows(IllegalArgumentException.class,
                () -> GroupSpec.channelsPerGroup(5).groupsFor(24));
        assertFalse(perGroup.getMessage().contains("\n"));
        assertTrue(perGroup.getMessage().contains("5 channels do not divide 24"));
        // The factory fails the same way when it builds the block, for every grouped layer.
        LayerOptions options = LayerOptions.defaults().withGroups(GroupSpec.exactly(32));
        for (String name : new String[] {"gn-relu", "evonorm-s0", "evonorm-s1", "evonorm-s2", "evonorm-s0-graph", "evonorm-s2a"}) {
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> Layers.factory(name, options).create(24, NormPosition.NORM_ACT), name);
            assertEquals(e.getMessage(), f.getMessage(), name);
        }
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layers.factory("evonorm-b9"));
        assertFalse(e.getMessage().contains("\n"));
        for (LayerCatalog.Entry entry : LayerCatalog.entries()) {
            assertTrue(e.getMessage().contains(entry.name()), entry.name());
        }
        assertTrue(e.getMessage().contains("graph:"));
    }

    @Test
    void everyCatalogNameBuildsABlock() {
        for (LayerCatalog.Entry entry : LayerCatalog.entries()) {
            assertEquals(entry.name(), Layers.factory(entry.name()).name());
            Layers.factory(entry.name()).create(16, NormPosition.NORM_ACT);
            Layers.factory(entry.name()).create(16, NormPosition.NORM_ONLY);
            assertFalse(entry.formula().isBlank());
        }
        assertEquals("frn-tlu", Layers.factory("frn").name());
        assertTrue(LayerCatalog.find("evonorm-b0").orElseThrow().batchDependent());
        assertFalse(LayerCatalog.find("evonorm-s0").orElseThrow().batchDependent());
    }

    @Test
    void normOnlyPolicies() {
        assertInstanceOf(AffineBlock.class, Layers.factory("evonorm-s0-graph").create(8, NormPosition.NORM_ONLY));
        assertInstanceOf(ai.djl.nn.norm.BatchNorm.class, Layers.factory("bn-relu").create(8, NormPosition.NORM_ONLY));
        Block full = Layers.factory("evonorm-s0-graph", LayerOptions.defaults().withNormOnly(NormOnlyPolicy.FULL))
                .create(8, NormPosition.NORM_ONLY);
        assertInstanceOf(GraphBlock.class, full);
    }

    @Test
    void graphSpecsReadInlineJsonAndFiles(@TempDir Path dir) throws Exception {
        String json = GraphJson.toJson(PublishedGraphs.B1);
        assertEquals(PublishedGraphs.B1, ((GraphBlock) Layers.factory("graph:" + json).create(8, NormPosition.NORM_ACT)).graph());
        Path file = dir.resolve("b1.json");
        Files.writeString(file, json);
        assertEquals(PublishedGraphs.B1, ((GraphBlock) Layers.factory("graph:" + file).create(8, NormPosition.NORM_ACT)).graph());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Layers.factory("graph:" + dir.resolve("none.json")));
        assertTrue(missing.getMessage().contains("does not exist"));
    }
}

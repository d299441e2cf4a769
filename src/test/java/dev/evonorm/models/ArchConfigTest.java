package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ArchConfigTest {

    @Test
    void presetsDescribeTheTwoDatasets() {
        assertEquals(new Shape(64, 1, 28, 28), ArchConfig.fashionMnist().inputShape(64));
        assertEquals(new Shape(8, 3, 32, 32), ArchConfig.cifar10().inputShape(8));
        assertEquals(10, ArchConfig.cifar10().classes());
    }

    @Test
    void stemHalvesOnlyFullResolutionInputs() {
        assertEquals(2, ArchConfig.fashionMnist().stemStride());
        assertEquals(2, ArchConfig.cifar10().stemStride());
        assertEquals(1, ArchConfig.fashionMnist().withInputSize(14).stemStride());
        assertEquals(1, ArchConfig.cifar10().withInputSize(16).stemStride());
    }

    @Test
    void impossibleConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(0, 28, 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 7, 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 28, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 28, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 28, 10, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 28, 10, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ArchConfig(1, 28, 10, 1, Double.POSITIVE_INFINITY));
    }
}

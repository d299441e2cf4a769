package dev.evonorm.models;

import ai.djl.nn.Block;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;

/**
 * Asks the factory for the block at one named position of one architecture, so that a layer that
 * cannot serve a position (say, a group count that does not divide the channels) fails with a
 * message saying where, not only why.
 */
final class NormActSites {
    private final String architecture;
    private final NormActFactory factory;

    NormActSites(String architecture, NormActFactory factory) {
        this.architecture = architecture;
        this.factory = factory;
    }

    Block create(String site, int channels, NormPosition position) {
        Block block;
        try {
            block = factory.create(site, channels, position);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(
                    "%s: layer '%s' cannot be placed at %s (%d channels, %s): %s",
                    architecture, factory.name(), site, channels, position, e.getMessage()), e);
        }
        if (block == null) {
            throw new IllegalStateException(String.format(
                    "%s: layer factory '%s' returned no block for %s (%d channels, %s)",
                    architecture, factory.name(), site, channels, position));
        }
        return block;
    }
}

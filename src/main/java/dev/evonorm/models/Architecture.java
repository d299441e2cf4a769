package dev.evonorm.models;

import ai.djl.nn.Block;
import dev.evonorm.layers.NormActFactory;

/** A proxy network into which any normalization-activation layer can be dropped. */
public interface Architecture {

    /** The registry name, e.g. {@code resnet}. */
    String name();

    ArchitectureRole role();

    /** One line saying what the network is, for listings and reports. */
    String summary();

    /**
     * A fresh, uninitialized network mapping {@code config.inputShape(n)} to (n, classes) logits.
     * Every norm(+activation) of the original design is one block from {@code factory}.
     *
     * @throws IllegalArgumentException when the factory rejects a position; the message names the
     *     architecture, the position and the channel count, followed by the factory's own message
     */
    Block build(NormActFactory factory, ArchConfig config);
}

package dev.evonorm.layers;

import ai.djl.nn.Block;

/**
 * Builds the normalization-activation block that an architecture places after a convolution.
 * Architectures depend on this interface only, so any layer — named, baseline or graph — drops in.
 */
public interface NormActFactory {

    /**
     * A fresh block for an NCHW input with {@code channels} channels.
     *
     * @throws IllegalArgumentException when the layer cannot serve this channel count (for example
     *     a group setting that does not divide it); the message names the fix
     */
    Block create(int channels, NormPosition position);

    /**
     * The same, told where in the network the block goes ({@code site}, e.g.
     * {@code stage2.block1.preNormAct}); architectures that name their positions call this one.
     * Layers ignore the name; factories that report per position (the initialization diagnostics)
     * use it.
     */
    default Block create(String site, int channels, NormPosition position) {
        return create(channels, position);
    }

    /** The layer's name as the factory knows it, e.g. {@code bn-relu} or {@code evonorm-s0}. */
    String name();
}

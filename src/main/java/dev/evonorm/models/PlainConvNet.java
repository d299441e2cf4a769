package dev.evonorm.models;

import static dev.evonorm.layers.NormPosition.NORM_ACT;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.evonorm.layers.NormActFactory;
import java.util.List;

/**
 * A plain (non-residual) CNN of {@code depth} 3×3 convolutions (times the depth multiplier), each
 * followed by a norm-act: the
 * networks "Beyond BatchNorm" uses to show what normalizers do to activations with depth, where no
 * skip connection rescues a layer that lets the signal collapse or explode. The convolutions are
 * split into as many equal runs as there are widths; every run after the first starts by halving
 * the resolution. Then global average pool and a linear classifier.
 *
 * <p>Norm positions: one NORM_ACT after every convolution; no NORM_ONLY.
 */
public final class PlainConvNet implements Architecture {
    private final String name;
    private final int depth;
    private final List<Integer> widths;

    public PlainConvNet(String name, int depth, List<Integer> widths) {
        if (widths.isEmpty() || depth < widths.size()) {
            throw new IllegalArgumentException("a plain network needs at least one convolution per width, got depth "
                    + depth + " for widths " + widths);
        }
        this.name = name;
        this.depth = depth;
        this.widths = List.copyOf(widths);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ArchitectureRole role() {
        return ArchitectureRole.DIAGNOSTIC;
    }

    @Override
    public String summary() {
        return String.format("plain CNN (no skip connections), %d 3x3 convolutions each followed by the layer, widths %s",
                depth, widths);
    }

    @Override
    public Block build(NormActFactory factory, ArchConfig config) {
        NormActSites sites = new NormActSites(name, factory);
        SequentialBlock network = new SequentialBlock();
        int convolutions = Math.max(widths.size(), config.repeats(depth));
        for (int layer = 0; layer < convolutions; layer++) {
            // Layer k belongs to run floor(k·runs/depth): the runs differ in length by one at most.
            int run = layer * widths.size() / convolutions;
            boolean runStart = layer == 0 || (layer - 1) * widths.size() / convolutions != run;
            int stride = layer == 0 ? config.stemStride() : runStart ? 2 : 1;
            int width = config.channels(widths.get(run));
            network.add(Convolutions.dense(width, 3, stride));
            network.add(sites.create("conv" + (layer + 1) + ".normAct", width, NORM_ACT));
        }
        network.add(Pool.globalAvgPool2dBlock());
        network.add(Linear.builder().setUnits(config.classes()).build());
        return network;
    }
}

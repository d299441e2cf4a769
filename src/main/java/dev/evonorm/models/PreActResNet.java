package dev.evonorm.models;

import static dev.evonorm.layers.NormPosition.NORM_ACT;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.evonorm.layers.NormActFactory;
import java.util.List;

/**
 * Pre-activation ResNet for small images (the EvoNorm paper's host network, scaled down):
 * 3×3 stem conv (stride {@link ArchConfig#stemStride()}, no norm: the first block pre-activates it) → stages of
 * {@link PreActBasicBlock}s, the first block of every stage after the first halving the resolution
 * → final norm-act → global average pool → linear.
 *
 * <p>Norm positions: two NORM_ACT per block, one final NORM_ACT; no NORM_ONLY.
 */
public final class PreActResNet implements Architecture {
    private final String name;
    private final ArchitectureRole role;
    private final int stemWidth;
    private final List<Integer> stageWidths;
    private final List<Integer> blocksPerStage;

    /**
     * @param stageWidths default channel count of each stage (before the width multiplier)
     * @param blocksPerStage default block count of each stage (before the depth multiplier)
     */
    public PreActResNet(String name, ArchitectureRole role, int stemWidth, List<Integer> stageWidths,
            List<Integer> blocksPerStage) {
        if (stageWidths.isEmpty() || stageWidths.size() != blocksPerStage.size()) {
            throw new IllegalArgumentException("a ResNet needs one block count per stage width, got "
                    + stageWidths + " and " + blocksPerStage);
        }
        this.name = name;
        this.role = role;
        this.stemWidth = stemWidth;
        this.stageWidths = List.copyOf(stageWidths);
        this.blocksPerStage = List.copyOf(blocksPerStage);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ArchitectureRole role() {
        return role;
    }

    @Override
    public String summary() {
        int blocks = blocksPerStage.stream().mapToInt(Integer::intValue).sum();
        return String.format("pre-activation ResNet, %d basic blocks, widths %s, %d weight layers",
                blocks, stageWidths, 2 * blocks + 2);
    }

    public List<Integer> stageWidths() {
        return stageWidths;
    }

    public List<Integer> blocksPerStage() {
        return blocksPerStage;
    }

    @Override
    public Block build(NormActFactory factory, ArchConfig config) {
        NormActSites sites = new NormActSites(name, factory);
        SequentialBlock network = new SequentialBlock();
        int channels = config.channels(stemWidth);
        network.add(Convolutions.dense(channels, 3, config.stemStride()));
        for (int stage = 0; stage < stageWidths.size(); stage++) {
            int width = config.channels(stageWidths.get(stage));
            int blocks = config.repeats(blocksPerStage.get(stage));
            for (int block = 0; block < blocks; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String site = "stage" + (stage + 1) + ".block" + (block + 1);
                network.add(new PreActBasicBlock(
                        sites.create(site + ".preNormAct", channels, NORM_ACT),
                        sites.create(site + ".midNormAct", width, NORM_ACT),
                        channels, width, stride));
                channels = width;
            }
        }
        network.add(sites.create("final.normAct", channels, NORM_ACT));
        network.add(Pool.globalAvgPool2dBlock());
        network.add(Linear.builder().setUnits(config.classes()).build());
        return network;
    }
}

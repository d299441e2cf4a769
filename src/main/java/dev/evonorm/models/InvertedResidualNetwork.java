package dev.evonorm.models;

import static dev.evonorm.layers.NormPosition.NORM_ACT;
import static dev.evonorm.layers.NormPosition.NORM_ONLY;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.evonorm.layers.NormActFactory;
import java.util.List;

/**
 * The mobile family — MobileNetV2, EfficientNet, MnasNet — differs only in its stage table, so
 * one builder serves all three: 3×3 stem conv → norm-act → inverted residual blocks → 1×1 head
 * conv → norm-act → global average pool → linear.
 *
 * <p>An inverted residual block is: [1×1 expand conv → NORM_ACT] (skipped when expansion is 1) →
 * k×k depthwise conv → NORM_ACT → [squeeze-excite] → 1×1 project conv → NORM_ONLY (the linear
 * bottleneck: the original has a norm and no activation here), plus the input when stride is 1 and
 * the widths match.
 *
 * <p>The stem stride is {@link ArchConfig#stemStride()}: 2 for 28/32-pixel inputs, 1 for downscaled ones.
 */
public final class InvertedResidualNetwork implements Architecture {
    private final String name;
    private final ArchitectureRole role;
    private final String summary;
    private final int stemWidth;
    private final List<InvertedResidualStage> stages;
    private final int headWidth;
    private final SqueezeExcite.GateActivation gateActivation;

    public InvertedResidualNetwork(String name, ArchitectureRole role, String summary, int stemWidth,
            List<InvertedResidualStage> stages, int headWidth, SqueezeExcite.GateActivation gateActivation) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one stage");
        }
        this.name = name;
        this.role = role;
        this.summary = summary;
        this.stemWidth = stemWidth;
        this.stages = List.copyOf(stages);
        this.headWidth = headWidth;
        this.gateActivation = gateActivation;
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
        return summary;
    }

    public List<InvertedResidualStage> stages() {
        return stages;
    }

    @Override
    public Block build(NormActFactory factory, ArchConfig config) {
        NormActSites sites = new NormActSites(name, factory);
        SequentialBlock network = new SequentialBlock();
        int channels = config.channels(stemWidth);
        network.add(Convolutions.dense(channels, 3, config.stemStride()));
        network.add(sites.create("stem.normAct", channels, NORM_ACT));
        for (int s = 0; s < stages.size(); s++) {
            InvertedResidualStage stage = stages.get(s);
            int width = config.channels(stage.channels());
            int blocks = config.repeats(stage.repeats());
            for (int b = 0; b < blocks; b++) {
                String site = "stage" + (s + 1) + ".block" + (b + 1);
                network.add(invertedResidual(sites, site, stage, channels, width, b == 0 ? stage.stride() : 1));
                channels = width;
            }
        }
        int head = config.channels(headWidth);
        network.add(Convolutions.pointwise(head));
        network.add(sites.create("head.normAct", head, NORM_ACT));
        network.add(Pool.globalAvgPool2dBlock());
        network.add(Linear.builder().setUnits(config.classes()).build());
        return network;
    }

    private Block invertedResidual(NormActSites sites, String site, InvertedResidualStage stage,
            int in, int out, int stride) {
        SequentialBlock branch = new SequentialBlock();
        int hidden = in;
        if (stage.expansion() > 1) {
            hidden = Scaling.channels(in * stage.expansion(), 1.0);
            branch.add(Convolutions.pointwise(hidden));
            branch.add(sites.create(site + ".expand.normAct", hidden, NORM_ACT));
        }
        branch.add(Convolutions.depthwise(hidden, stage.kernel(), stride));
        branch.add(sites.create(site + ".depthwise.normAct", hidden, NORM_ACT));
        if (stage.hasSqueezeExcite()) {
            int reduced = Math.max(1, (int) (in * stage.seRatio()));
            branch.add(new SqueezeExcite(hidden, reduced, gateActivation));
        }
        branch.add(Convolutions.pointwise(out));
        branch.add(sites.create(site + ".project.norm", out, NORM_ONLY));
        return stride == 1 && in == out ? new ResidualAdd(branch) : branch;
    }
}

package dev.evonorm.models.plugin;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.ArchitectureRole;

/**
 * A network as a user outside this project would write one: only the public API, registered in a
 * services file. Tests put that file on a class path of their own, so the built-in registry
 * of the test JVM stays as it is.
 */
public class TinyUserNet implements Architecture {
    @Override
    public String name() {
        return "tiny-user-net";
    }

    @Override
    public ArchitectureRole role() {
        return ArchitectureRole.SEARCH;
    }

    @Override
    public String summary() {
        return "two 3x3 convolutions, each followed by the searched layer";
    }

    @Override
    public Block build(NormActFactory factory, ArchConfig config) {
        return new SequentialBlock()
                .add(Conv2d.builder().setFilters(16).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optStride(new Shape(2, 2)).optBias(false).build())
                .add(factory.create(16, NormPosition.NORM_ACT))
                .add(Conv2d.builder().setFilters(16).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optBias(false).build())
                .add(factory.create(16, NormPosition.NORM_ACT))
                .add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(config.classes()).build());
    }

    /** Takes a built-in name, so discovery must leave it out. */
    public static class Impostor extends TinyUserNet {
        @Override
        public String name() {
            return "resnet";
        }
    }

    /** A name that could not go into a comma-separated --archs list. */
    public static class BadlyNamed extends TinyUserNet {
        @Override
        public String name() {
            return "My Net, v2";
        }
    }
}

package dev.evonorm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;

/**
 * How every network here starts: He-normal convolution and linear weights (Gaussian, fan-in,
 * magnitude 2, the initialization the pre-activation ResNet was designed for), drawn from the
 * engine's generator seeded right before, so that a seed fixes the initial weights. Training and
 * the initialization diagnostics share it, so that what the diagnostics show is where training starts.
 */
public final class Initialization {
    private Initialization() {
    }

    /** Seeds the engine's generator with {@code seed}; call right before building the network. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
    }

    /** Initializes {@code network}'s parameters on {@code manager} for inputs of {@code inputShape}. */
    public static void apply(Block network, NDManager manager, Shape inputShape) {
        network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        network.initialize(manager, DataType.FLOAT32, inputShape);
    }
}

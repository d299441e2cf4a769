package dev.evonorm.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Number of trainable scalars of a block; running statistics (parameters without gradient) are not counted. */
public final class ParameterCount {
    private ParameterCount() {
    }

    /**
     * Sum of the sizes of the trainable parameters of an initialized block.
     *
     * @throws IllegalStateException when the block has not been initialized
     */
    public static long of(Block block) {
        long total = 0;
        for (Pair<String, Parameter> entry : block.getParameters()) {
            Parameter parameter = entry.getValue();
            if (!parameter.isInitialized()) {
                throw new IllegalStateException("parameter " + entry.getKey() + " is not initialized;"
                        + " initialize the block with an input shape first");
            }
            if (parameter.requiresGradient()) {
                total += parameter.getArray().getShape().size();
            }
        }
        return total;
    }
}

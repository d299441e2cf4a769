package dev.evonorm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum through the engine's fused update ({@code sgdUpdate}: one native call per
 * parameter, which also zeroes the gradient). Weight decay applies to convolution and linear
 * kernels only: normalization parameters (γ, β, v0, v1, τ) and biases are not decayed, as in the
 * official EvoNorm training. Running statistics are not trainable and are skipped.
 */
public final class SgdMomentum implements AutoCloseable {
    private final float momentum;
    private final float weightDecay;
    private final List<Slot> slots = new ArrayList<>();

    private record Slot(Parameter parameter, NDArray momentumState, boolean decayed) {
    }

    public SgdMomentum(PairList<String, Parameter> parameters, float momentum, float weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : parameters) {
            Parameter parameter = p.getValue();
            if (!parameter.requiresGradient()) {
                continue;
            }
            NDArray w = parameter.getArray();
            NDArray state = momentum == 0f ? null : w.zerosLike();
            slots.add(new Slot(parameter, state, isKernel(parameter, w)));
        }
    }

    /** Conv and linear weights have at least two dimensions; per-channel vectors have one. */
    static boolean isKernel(Parameter parameter, NDArray w) {
        return parameter.getType() == Parameter.Type.WEIGHT && w.getShape().dimension() >= 2;
    }

    /** Applies one update with the given rate and zeroes the gradients. */
    public void step(float learningRate) {
        for (Slot s : slots) {
            NDArray w = s.parameter.getArray();
            NDArray g = w.getGradient();
            NDList inputs = s.momentumState == null ? new NDList(w, g) : new NDList(w, g, s.momentumState);
            w.getNDArrayInternal().sgdUpdate(inputs, new NDList(w), learningRate,
                    s.decayed ? weightDecay : 0f, 1f, -1f, momentum, true);
            g.close();
        }
    }

    /** How many parameter tensors get weight decay (for reports and tests). */
    public long decayedCount() {
        return slots.stream().filter(Slot::decayed).count();
    }

    public int parameterCount() {
        return slots.size();
    }

    @Override
    public void close() {
        for (Slot s : slots) {
            if (s.momentumState != null) {
                s.momentumState.close();
            }
        }
    }
}

package dev.evonorm.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * The official EMA of a batch statistic: {@code r ← decay·r + (1−decay)·factor·batchValue}, done in
 * place on the parameter's own array with a detached value, so the update neither enters the
 * autograd graph nor allocates anything in the model's manager.
 */
final class RunningStatistic {
    private RunningStatistic() {
    }

    /**
     * @param running the per-channel (C) running statistic
     * @param batchValue the batch statistic, (1,C,1,1) or (1,1,1,1); its temporaries go to its own manager
     * @param factor 1, or n/(n−1) for a Bessel-corrected running variance
     */
    static void update(Parameter running, NDArray batchValue, double decay, double factor) {
        NDArray target = running.getArray();
        NDArray fresh = batchValue.stopGradient().reshape(-1).mul((1 - decay) * factor);
        target.muli(decay);
        target.addi(fresh);
    }

    /** The running statistic as a (1,C,1,1) view attached to {@code like}'s manager. */
    static NDArray asChannels(Parameter running, NDArray like) {
        NDArray array = running.getArray();
        NDArray view = array.reshape(1, array.size(), 1, 1);
        view.attach(like.getManager());
        return view;
    }

    /** Bessel's n/(n−1) for n values, or 1 when there is only one. */
    static double bessel(long n) {
        return n > 1 ? (double) n / (n - 1) : 1.0;
    }
}

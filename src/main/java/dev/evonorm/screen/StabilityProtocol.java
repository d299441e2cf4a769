package dev.evonorm.screen;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.evonorm.data.DataBatch;
import dev.evonorm.data.DataSplits;
import dev.evonorm.data.TrainingSampler;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.train.Initialization;
import java.util.ArrayList;
import java.util.List;

/**
 * The stability protocol (REFERENCE.md §3): move the network's weights θ, by gradient ascent, in
 * the direction that increases the gradient norm ‖∂ℓ/∂θ‖ on a fixed mini-batch, for up to
 * {@code steps} steps, and reject the layer if the norm exceeds {@code threshold} (or stops being
 * finite). The ascent direction ∇_θ ½‖g‖² = H·g is a Hessian-vector product, computed as a central
 * finite difference of two gradients: H·u ≈ (g(θ + εu) − g(θ − εu)) / 2ε with u = g/‖g‖.
 *
 * <p>Each ascent step moves θ by {@code stepFraction}·‖θ‖ along the normalized direction, so the
 * adversary's power does not depend on the network's parameter scale. Three forward/backward
 * passes per step on a small batch.
 */
public final class StabilityProtocol {
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

    public record Config(int steps, double threshold, int batchSize, double stepFraction, double epsilon) {
        public static Config defaults() {
            return new Config(100, 1e8, 16, 0.01, 1e-3);
        }
    }

    /** The largest gradient norm seen, the steps run, and whether the layer was rejected. */
    public record Result(boolean rejected, double maxGradientNorm, int stepsRun, String reason) {
    }

    private StabilityProtocol() {
    }

    public static Result run(Architecture architecture, ArchConfig archConfig, NormActFactory layer, DataSplits data,
                             Config config, long seed) {
        Initialization.seed(seed);
        Block network = architecture.build(layer, archConfig);
        try (NDManager manager = NDManager.newBaseManager()) {
            Initialization.apply(network, manager, archConfig.inputShape(config.batchSize()));
            List<NDArray> theta = new ArrayList<>();
            for (Pair<String, Parameter> p : network.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    theta.add(p.getValue().getArray());
                }
            }
            ParameterStore store = new ParameterStore(manager, false);
            TrainingSampler sampler = TrainingSampler.forTraining(data, config.batchSize(), seed);
            try (DataBatch batch = sampler.next(manager)) {
                double max = 0;
                for (int step = 0; step < config.steps(); step++) {
                    try (NDManager local = manager.newSubManager()) {
                        NDList g = gradient(network, store, batch, theta, local);
                        double norm = norm(g);
                        max = Math.max(max, Double.isFinite(norm) ? norm : Double.POSITIVE_INFINITY);
                        if (!Double.isFinite(norm) || norm > config.threshold()) {
                            return new Result(true, max, step + 1, "gradient norm " + (float) norm + " after "
                                    + step + " adversarial steps (threshold " + (float) config.threshold() + ")");
                        }
                        if (norm == 0) {
                            return new Result(false, max, step + 1, "");
                        }
                        double eps = config.epsilon();
                        shift(theta, g, eps / norm);
                        NDList plus = gradient(network, store, batch, theta, local);
                        shift(theta, g, -2 * eps / norm);
                        NDList minus = gradient(network, store, batch, theta, local);
                        shift(theta, g, eps / norm);
                        NDList direction = new NDList();
                        for (int i = 0; i < theta.size(); i++) {
                            direction.add(plus.get(i).sub(minus.get(i)));
                        }
                        double dNorm = norm(direction);
                        if (!Double.isFinite(dNorm)) {
                            return new Result(true, Double.POSITIVE_INFINITY, step + 1,
                                    "curvature became NaN/Inf after " + step + " adversarial steps");
                        }
                        if (dNorm == 0) {
                            continue;
                        }
                        double thetaNorm = norm(new NDList(theta));
                        shift(theta, direction, config.stepFraction() * thetaNorm / dNorm);
                    }
                }
                return new Result(false, max, config.steps(), "");
            }
        }
    }

    /** Gradients of the loss w.r.t. θ, copied into {@code local}; the parameters' own gradients are zeroed. */
    private static NDList gradient(Block network, ParameterStore store, DataBatch batch, List<NDArray> theta,
                                   NDManager local) {
        try (NDManager pass = local.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = network.forward(store, batch.dataList(), true).singletonOrThrow();
            collector.backward(LOSS.evaluate(batch.labelList(), new NDList(logits)));
        }
        NDList out = new NDList();
        for (NDArray w : theta) {
            NDArray g = w.getGradient();
            NDArray copy = g.duplicate();
            copy.attach(local);
            g.subi(g);
            g.close();
            out.add(copy);
        }
        return out;
    }

    /**
     * θ ← θ + scale·d, in place, through a view of θ detached from autograd: an in-place change of a
     * parameter itself is refused ("a leaf Variable that requires grad …") on any thread whose grad
     * mode is on, which is every thread but the one that started the engine.
     */
    private static void shift(List<NDArray> theta, NDList d, double scale) {
        for (int i = 0; i < theta.size(); i++) {
            try (NDArray step = d.get(i).mul((float) scale); NDArray view = theta.get(i).stopGradient()) {
                view.addi(step);
            }
        }
    }

    private static double norm(NDList arrays) {
        double sum = 0;
        for (NDArray a : arrays) {
            try (NDArray sq = a.square(); NDArray s = sq.sum()) {
                sum += s.getFloat();
            }
        }
        return Math.sqrt(sum);
    }
}

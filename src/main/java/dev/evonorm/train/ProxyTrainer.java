package dev.evonorm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import dev.evonorm.data.DataBatch;
import dev.evonorm.data.DataSplits;
import dev.evonorm.data.EvaluationBatches;
import dev.evonorm.data.TrainingSampler;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.IntConsumer;

/**
 * Trains one layer on one architecture for a fixed number of SGD steps and measures accuracy on the
 * validation split in inference mode. Deterministic for a seed (parameter initialization, data
 * order and augmentation all derive from it).
 *
 * <p>A layer that makes training fail — a non-finite or diverging loss, non-finite outputs, an
 * engine error — yields a {@link TrainResult.Failed}, never an exception: during a search such a
 * failure is a property of the candidate. Errors of the caller (a layer that cannot serve the
 * architecture's channel counts) are thrown as {@link IllegalArgumentException}.
 */
public final class ProxyTrainer {
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

    private ProxyTrainer() {
    }

    public static TrainResult train(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                    DataSplits data, TrainConfig config) {
        return train(architecture, archConfig, layer, data, config, step -> { });
    }

    /**
     * @param onStep called after each completed step with the step count (for progress bars)
     */
    public static TrainResult train(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                    DataSplits data, TrainConfig config, IntConsumer onStep) {
        long start = System.nanoTime();
        float[] losses = new float[config.steps()];
        int done = 0;
        double setup = 0;
        double training = 0;
        Engine.getInstance().setRandomSeed((int) config.seed());
        Block network = architecture.build(layer, archConfig);
        try (NDManager manager = NDManager.newBaseManager()) {
            network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                    XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            network.initialize(manager, DataType.FLOAT32, archConfig.inputShape(config.batchSize()));
            ParameterStore parameters = new ParameterStore(manager, false);
            TrainingSampler sampler = TrainingSampler.forTraining(data, config.batchSize(), config.seed());
            LearningRateSchedule schedule = config.schedule();
            try (SgdMomentum optimizer = new SgdMomentum(network.getParameters(), config.momentum(), config.weightDecay())) {
                setup = seconds(start);
                long trainStart = System.nanoTime();
                for (int step = 0; step < config.steps(); step++) {
                    float loss = trainStep(network, parameters, sampler, manager);
                    losses[step] = loss;
                    done = step + 1;
                    if (!Float.isFinite(loss)) {
                        return failed(TrainResult.FailureKind.NON_FINITE_LOSS,
                                "training loss became " + loss + " at step " + (step + 1), losses, done, setup,
                                seconds(trainStart), 0);
                    }
                    if (loss > config.divergenceLoss()) {
                        return failed(TrainResult.FailureKind.DIVERGED, "training loss " + loss + " exceeded "
                                + config.divergenceLoss() + " at step " + (step + 1), losses, done, setup,
                                seconds(trainStart), 0);
                    }
                    optimizer.step(schedule.rate(step));
                    onStep.accept(done);
                }
                training = seconds(trainStart);
            }
            long evalStart = System.nanoTime();
            Evaluation eval = evaluate(network, parameters, new EvaluationBatches(data.validation(),
                    Math.min(config.evalBatchSize(), data.validation().count())), manager);
            double evalSeconds = seconds(evalStart);
            TrainResult.Timings timings = new TrainResult.Timings(setup, training, evalSeconds, done);
            if (!eval.finite) {
                return new TrainResult.Failed(TrainResult.FailureKind.NON_FINITE_OUTPUT,
                        "validation outputs contain NaN or infinity", losses, timings);
            }
            return new TrainResult.Trained(eval.accuracy, eval.loss, losses, timings);
        } catch (ai.djl.engine.EngineException e) {
            return failed(TrainResult.FailureKind.ENGINE_ERROR, "engine error: " + firstLine(e.getMessage()),
                    losses, done, setup, training, 0);
        }
    }

    /** One forward/backward pass; all temporaries live in a sub-manager closed before returning. */
    private static float trainStep(Block network, ParameterStore parameters, TrainingSampler sampler,
                                   NDManager manager) {
        try (NDManager step = manager.newSubManager();
             DataBatch batch = sampler.next(step);
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = network.forward(parameters, batch.dataList(), true).singletonOrThrow();
            NDArray loss = LOSS.evaluate(batch.labelList(), new NDList(logits));
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    record Evaluation(double accuracy, double loss, boolean finite) {
    }

    /** Accuracy and mean loss over a split, in inference mode (running statistics, no recording). */
    static Evaluation evaluate(Block network, ParameterStore parameters, EvaluationBatches batches,
                               NDManager manager) {
        long correct = 0;
        long seen = 0;
        double lossSum = 0;
        try (NDManager pass = manager.newSubManager()) {
            Iterator<DataBatch> it = batches.iterator(pass);
            while (it.hasNext()) {
                try (NDManager local = pass.newSubManager(); DataBatch batch = it.next()) {
                    batch.data().attach(local);
                    batch.labels().attach(local);
                    NDArray logits = network.forward(parameters, batch.dataList(), false).singletonOrThrow();
                    float[] values = logits.toFloatArray();
                    for (float v : values) {
                        if (!Float.isFinite(v)) {
                            return new Evaluation(Double.NaN, Double.NaN, false);
                        }
                    }
                    NDArray predicted = logits.argMax(1).toType(batch.labels().getDataType(), false);
                    correct += predicted.eq(batch.labels()).sum().getLong();
                    lossSum += LOSS.evaluate(batch.labelList(), new NDList(logits)).getFloat() * batch.size();
                    seen += batch.size();
                }
            }
        }
        return new Evaluation((double) correct / seen, lossSum / seen, true);
    }

    private static TrainResult failed(TrainResult.FailureKind kind, String reason, float[] losses, int done,
                                      double setup, double training, double eval) {
        return new TrainResult.Failed(kind, reason, Arrays.copyOf(losses, done),
                new TrainResult.Timings(setup, training, eval, done));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

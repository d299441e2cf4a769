package dev.evonorm.train;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.evonorm.data.DataBatch;
import dev.evonorm.data.DataSplits;
import dev.evonorm.data.EvaluationBatches;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.data.TrainingSampler;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * One proxy training that can stop part-way, be scored, and go on: the network, its parameters,
 * the data order and the optimizer's momentum live until {@link #close}. The search reads the
 * quality protocol's accuracy at a step of the full training this way and, when the layer passes,
 * continues that training instead of starting another. Scoring in between changes nothing the
 * training depends on (inference mode updates no running statistic, and no training step draws from
 * the engine's random generator), so a run scored at step 100 ends exactly where an unscored one does.
 *
 * <p>A layer that makes training fail (a non-finite or diverging loss, non-finite outputs, an engine
 * error) leaves the run failed: every later call returns the same {@link TrainResult.Failed}. Errors
 * of the caller (a layer that cannot serve the architecture's channel counts) are thrown as
 * {@link IllegalArgumentException}.
 */
public final class TrainingRun implements AutoCloseable {
    private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

    private final TrainConfig config;
    private final NDManager manager;
    private final Block network;
    private final float[] losses;
    private ParameterStore parameters;
    private TrainingSampler sampler;
    private SgdMomentum optimizer;
    private int done;
    private double setupSeconds;
    private double trainSeconds;
    private TrainResult.Failed failure;

    private TrainingRun(Architecture architecture, ArchConfig archConfig, NormActFactory layer, DataSplits data,
                        TrainConfig config) {
        long start = System.nanoTime();
        this.config = config;
        this.losses = new float[config.steps()];
        // Parameter initialization draws from the engine's generator: seed it right before.
        Initialization.seed(config.seed());
        this.network = architecture.build(layer, archConfig);
        this.manager = NDManager.newBaseManager();
        try {
            Initialization.apply(network, manager, archConfig.inputShape(config.batchSize()));
            parameters = new ParameterStore(manager, false);
            sampler = TrainingSampler.forTraining(data, config.batchSize(), config.seed());
            optimizer = new SgdMomentum(network.getParameters(), config.momentum(), config.weightDecay());
        } catch (EngineException e) {
            fail(TrainResult.FailureKind.ENGINE_ERROR, "engine error: " + firstLine(e.getMessage()), 0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        setupSeconds = seconds(start);
    }

    /** Builds and initializes the network for {@code config} (seeded by it); nothing is trained yet. */
    public static TrainingRun start(Architecture architecture, ArchConfig archConfig, NormActFactory layer,
                                    DataSplits data, TrainConfig config) {
        return new TrainingRun(architecture, archConfig, layer, data, config);
    }

    public int stepsDone() {
        return done;
    }

    /** The failure that ended this run, if one did. */
    public Optional<TrainResult.Failed> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Trains until {@code steps} steps are done (at most the configured number), on the configured
     * learning-rate schedule, so that stopping here and going on later is the same as not stopping.
     *
     * @param onStep called after each completed step with the step count (for progress bars)
     * @return the failure, if the layer made training fail (now or before)
     */
    public Optional<TrainResult.Failed> trainTo(int steps, IntConsumer onStep) {
        if (steps > config.steps()) {
            throw new IllegalArgumentException("this run trains " + config.steps() + " steps; cannot train to " + steps);
        }
        if (failure != null) {
            return failure();
        }
        long trainStart = System.nanoTime();
        LearningRateSchedule schedule = config.schedule();
        TrainResult.FailureKind kind = null;
        String reason = null;
        try {
            while (done < steps && kind == null) {
                float loss = trainStep();
                losses[done++] = loss;
                if (!Float.isFinite(loss)) {
                    kind = TrainResult.FailureKind.NON_FINITE_LOSS;
                    reason = "training loss became " + loss + " at step " + done;
                } else if (loss > config.divergenceLoss()) {
                    kind = TrainResult.FailureKind.DIVERGED;
                    reason = "training loss " + loss + " exceeded " + config.divergenceLoss() + " at step " + done;
                } else {
                    optimizer.step(schedule.rate(done - 1));
                    onStep.accept(done);
                }
            }
        } catch (EngineException e) {
            kind = TrainResult.FailureKind.ENGINE_ERROR;
            reason = "engine error: " + firstLine(e.getMessage());
        }
        // Before fail(): the failure's timings include these steps.
        trainSeconds += seconds(trainStart);
        return kind == null ? Optional.empty() : fail(kind, reason, 0);
    }

    /**
     * Accuracy and loss on {@code split} in inference mode, now; the losses are those of the steps
     * done so far. Non-finite outputs fail the run.
     */
    public TrainResult score(ImageDataset split) {
        if (failure != null) {
            return failure;
        }
        long evalStart = System.nanoTime();
        try {
            Evaluation eval = evaluate(new EvaluationBatches(split, Math.min(config.evalBatchSize(), split.count())));
            double evalSeconds = seconds(evalStart);
            if (!eval.finite) {
                fail(TrainResult.FailureKind.NON_FINITE_OUTPUT, "validation outputs contain NaN or infinity", evalSeconds);
                return failure;
            }
            return new TrainResult.Trained(eval.accuracy, eval.loss, Arrays.copyOf(losses, done), timings(evalSeconds));
        } catch (EngineException e) {
            fail(TrainResult.FailureKind.ENGINE_ERROR, "engine error: " + firstLine(e.getMessage()), seconds(evalStart));
            return failure;
        }
    }

    /** Trains the remaining steps and scores on the validation split of {@code data}. */
    public TrainResult finish(DataSplits data, IntConsumer onStep) {
        Optional<TrainResult.Failed> failed = trainTo(config.steps(), onStep);
        return failed.isPresent() ? failed.get() : score(data.validation());
    }

    @Override
    public void close() {
        if (optimizer != null) {
            optimizer.close();
        }
        manager.close();
    }

    /** One forward/backward pass; all temporaries live in a sub-manager closed before returning. */
    private float trainStep() {
        try (NDManager step = manager.newSubManager();
             DataBatch batch = sampler.next(step);
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = network.forward(parameters, batch.dataList(), true).singletonOrThrow();
            NDArray loss = LOSS.evaluate(batch.labelList(), new NDList(logits));
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    private record Evaluation(double accuracy, double loss, boolean finite) {
    }

    /** Accuracy and mean loss over a split, in inference mode (running statistics, no recording). */
    private Evaluation evaluate(EvaluationBatches batches) {
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

    private Optional<TrainResult.Failed> fail(TrainResult.FailureKind kind, String reason, double evalSeconds) {
        failure = new TrainResult.Failed(kind, reason, Arrays.copyOf(losses, done), timings(evalSeconds));
        return failure();
    }

    private TrainResult.Timings timings(double evalSeconds) {
        return new TrainResult.Timings(setupSeconds, trainSeconds, evalSeconds, done);
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

package dev.evonorm.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import dev.evonorm.models.ArchConfig;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.models.ParameterCount;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times one SGD step (forward + backward + update) of every architecture with BN-ReLU, so the
 * default sizes can be checked against the proxy-training budget. Not a test: it only prints.
 *
 * <p>Usage: {@code ArchBench [--batch=128] [--steps=20] [--sizes=28,14] [name ...]}; prints one
 * line per architecture and input size: parameters, the 10th/50th/90th percentile step time with
 * BN-ReLU, and the median without any normalization (so the share of the norm-act blocks shows).
 * Inputs are random: the cost of a step does not depend on the pixel values.
 */
public final class ArchBench {
    private static final int WARMUP_STEPS = 5;

    private ArchBench() {
    }

    public static void main(String[] args) {
        int batch = 128;
        int steps = 20;
        int[] sizes = {28, 14};
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--batch=")) {
                batch = Integer.parseInt(arg.substring("--batch=".length()));
            } else if (arg.startsWith("--steps=")) {
                steps = Integer.parseInt(arg.substring("--steps=".length()));
            } else if (arg.startsWith("--sizes=")) {
                sizes = Arrays.stream(arg.substring("--sizes=".length()).split(",")).mapToInt(Integer::parseInt).toArray();
            } else {
                names.add(arg);
            }
        }
        List<Architecture> architectures = names.isEmpty()
                ? Architectures.all()
                : names.stream().map(Architectures::byName).toList();
        System.out.printf("batch %d, %d timed steps after %d warm-up, %d cores, ai.djl.pytorch.num_threads=%s%n",
                batch, steps, WARMUP_STEPS, Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        System.out.println("allocator: " + Allocator.inUse());
        System.out.println("wall ms per step (p10 / median / p90) and process CPU ms per step (all threads);"
                + " 'no norm' = ReLU only, identity at NORM_ONLY");
        System.out.printf("%-13s %-9s %8s %24s %12s %14s %12s%n", "architecture", "input", "params", "bn-relu wall",
                "bn-relu cpu", "no-norm wall", "no-norm cpu");
        for (Architecture architecture : architectures) {
            for (int size : sizes) {
                ArchConfig config = ArchConfig.fashionMnist().withInputSize(size);
                Result withNorm = measure(architecture, config, dev.evonorm.layers.Layers.factory("bn-relu"), batch, steps);
                Result without = measure(architecture, config, dev.evonorm.layers.Layers.factory("relu"), batch, steps);
                System.out.printf("%-13s %-9s %8d %6.1f / %6.1f / %6.1f %12.1f %14.1f %12.1f%n", architecture.name(),
                        size + "x" + size + "x1", withNorm.parameters, withNorm.percentile(0.1),
                        withNorm.percentile(0.5), withNorm.percentile(0.9), withNorm.cpuMillisPerStep,
                        without.percentile(0.5), without.cpuMillisPerStep);
            }
        }
    }

    /**
     * @param millis wall time of each timed step
     * @param cpuMillisPerStep CPU time of the whole process over the timed steps, per step: unlike
     *     wall time it barely moves when other processes compete for the cores
     */
    private record Result(long parameters, double[] millis, double cpuMillisPerStep) {
        double percentile(double q) {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.round(q * (sorted.length - 1))];
        }
    }

    private static Result measure(Architecture architecture, ArchConfig config, NormActFactory layer, int batch,
            int steps) {
        Engine.getInstance().setRandomSeed(1);
        try (Model model = Model.newInstance(architecture.name())) {
            model.setBlock(architecture.build(layer, config));
            DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build());
            try (Trainer trainer = model.newTrainer(training)) {
                Shape inputShape = config.inputShape(batch);
                trainer.initialize(inputShape);
                long parameters = ParameterCount.of(model.getBlock());
                double[] millis = new double[steps];
                long cpuStart = 0;
                for (int step = 0; step < WARMUP_STEPS + steps; step++) {
                    if (step == WARMUP_STEPS) {
                        cpuStart = processCpuNanos();
                    }
                    long start = System.nanoTime();
                    try (NDManager stepManager = model.getNDManager().newSubManager()) {
                        NDArray images = stepManager.randomNormal(inputShape);
                        NDArray labels = stepManager.randomInteger(0, config.classes(), new Shape(batch),
                                DataType.INT64);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList logits = trainer.forward(new NDList(images));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), logits);
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                    if (step >= WARMUP_STEPS) {
                        millis[step - WARMUP_STEPS] = (System.nanoTime() - start) / 1e6;
                    }
                }
                double cpuMillisPerStep = (processCpuNanos() - cpuStart) / 1e6 / steps;
                return new Result(parameters, millis, cpuMillisPerStep);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The cost of the architecture alone: what the norm-act blocks add is the difference to BN-ReLU. */
}

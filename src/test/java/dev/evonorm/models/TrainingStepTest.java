package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Gradients reach every part of each network: a few SGD steps fit a fixed random batch. */
class TrainingStepTest {
    private static final int BATCH = 16;
    private static final int STEPS = 10;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.evonorm.models.ArchitecturesRegistryTest#allNames")
    void sgdStepsOnAFixedBatchReduceTheLoss(String name) {
        Engine.getInstance().setRandomSeed(7);
        ArchConfig config = ArchConfig.fashionMnist().withInputSize(14);
        try (Model model = Model.newInstance(name)) {
            model.setBlock(Architectures.byName(name).build(TestNormActFactories.batchNormRelu(), config));
            DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(training);
                    NDManager data = model.getNDManager().newSubManager()) {
                trainer.initialize(config.inputShape(BATCH));
                NDArray images = data.randomNormal(config.inputShape(BATCH));
                NDArray labels = data.randomInteger(0, config.classes(), new Shape(BATCH), DataType.INT64);
                float first = Float.NaN;
                float last = Float.NaN;
                for (int step = 0; step < STEPS; step++) {
                    try (NDManager stepManager = data.newSubManager();
                            GradientCollector collector = trainer.newGradientCollector()) {
                        images.tempAttach(stepManager);
                        labels.tempAttach(stepManager);
                        NDList logits = trainer.forward(new NDList(images));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(labels), logits);
                        collector.backward(loss);
                        last = loss.getFloat();
                        if (step == 0) {
                            first = last;
                        }
                    }
                    trainer.step();
                }
                assertTrue(Float.isFinite(last), name + " loss became " + last);
                assertTrue(last < 0.8f * first, name + ": loss went from " + first + " to " + last);
            }
        }
    }
}

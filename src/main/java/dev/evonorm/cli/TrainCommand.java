package dev.evonorm.cli;

import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.ProxyTrainer;
import dev.evonorm.train.TrainConfig;
import dev.evonorm.train.TrainResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one layer on one architecture of the proxy task and report validation accuracy.")
final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--layer", defaultValue = "bn-relu", description = "Layer name or graph:<file|json> (default: ${DEFAULT-VALUE}); see 'evonorm layers'.")
    String layer;

    @Option(names = "--arch", defaultValue = "resnet", description = "Architecture (default: ${DEFAULT-VALUE}); see 'evonorm archs'.")
    String arch;

    @Option(names = "--loss-curve", paramLabel = "FILE", description = "Write the training loss per step as CSV.")
    Path lossCurve;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    @Mixin
    LayerSettings layerSettings;

    @Override
    public void run() {
        Architecture architecture = Architectures.byName(arch);
        NormActFactory factory = Layers.factory(layer, layerSettings.toOptions());
        TrainConfig config = training.toConfig();
        ProxyTask task = ProxyTask.load(data.toConfig(), config, training.width, training.depth);
        // Build once up front so a layer that cannot serve this architecture fails before training.
        architecture.build(factory, task.archConfig());
        TrainResult result;
        try (StepProgress progress = new StepProgress(layer + " on " + arch, config.steps())) {
            result = ProxyTrainer.train(architecture, task.archConfig(), factory, task.data(), config, progress);
        }
        PrintWriter out = spec.commandLine().getOut();
        TrainResult.Timings t = result.timings();
        out.printf(Locale.ROOT, "layer %s, architecture %s, dataset %s (%d train / %d validation), %d steps, batch %d, seed %d%n",
                factory.name(), arch, task.data().spec().name(), task.data().train().count(), task.data().validation().count(),
                config.steps(), config.batchSize(), config.seed());
        if (result instanceof TrainResult.Trained tr) {
            out.printf(Locale.ROOT, "validation accuracy %.2f%%, validation loss %.4f%n", 100 * tr.accuracy(), tr.validationLoss());
        } else if (result instanceof TrainResult.Failed f) {
            out.printf("training failed (%s): %s%n", f.kind().name().toLowerCase(Locale.ROOT), f.reason());
        }
        out.printf(Locale.ROOT, "time: setup %.2f s, training %.2f s (%.1f steps/s), evaluation %.2f s, total %.2f s%n",
                t.setupSeconds(), t.trainSeconds(), t.stepsPerSecond(), t.evalSeconds(), t.totalSeconds());
        out.flush();
        if (lossCurve != null) {
            writeLossCurve(result.losses());
        }
    }

    private void writeLossCurve(float[] losses) {
        StringBuilder b = new StringBuilder("step,loss\n");
        for (int i = 0; i < losses.length; i++) {
            b.append(i + 1).append(',').append(losses[i]).append('\n');
        }
        try {
            Files.writeString(lossCurve, b);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + lossCurve + ": " + e.getMessage() + "; choose a writable path");
        }
    }
}

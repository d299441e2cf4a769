package dev.evonorm.cli;

import dev.evonorm.layers.LayerOptions;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.report.ComparisonTable;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The paper's batch-size study at proxy scale. Each run sees the same number of training examples
 * (so small batches take more steps, up to a cap) and the learning rate scales linearly with the
 * batch size (the paper's rule), from the base rate at batch 128.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Batch-size study: train layers at several batch sizes (same examples seen, linearly scaled learning rate).")
final class SweepCommand implements Runnable {
    static final int REFERENCE_BATCH = 128;

    @Spec
    CommandSpec spec;

    @Option(names = "--layers", defaultValue = "bn-relu,gn-relu,evonorm-b0,evonorm-s0,evonorm-s1,evonorm-s2",
            description = "Comma-separated layers (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--batch-sizes", defaultValue = "2,4,8,16,32,64,128", description = "Comma-separated batch sizes (default: ${DEFAULT-VALUE}).")
    String batchSizes;

    @Option(names = "--arch", defaultValue = "resnet", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--examples", defaultValue = "25600",
            description = "Training examples seen per run; steps = examples / batch size (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--max-steps", defaultValue = "1500", description = "Cap on steps for the smallest batches (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per cell (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Mixin
    TableOutput output;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    @Mixin
    LayerSettings layerSettings;

    @Override
    public void run() {
        if (seeds < 1 || examples < 1 || maxSteps < 1) {
            throw new UserInputException("--seeds, --examples and --max-steps must be positive");
        }
        List<String> layerNames = LayerRuns.split(layers, "--layers");
        List<Integer> sizes;
        try {
            sizes = LayerRuns.split(batchSizes, "--batch-sizes").stream().map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new UserInputException("--batch-sizes '" + batchSizes + "' must be comma-separated integers, e.g. 2,4,8");
        }
        for (int b : sizes) {
            if (b < 1) {
                throw new UserInputException("batch size " + b + " is impossible; use positive sizes");
            }
        }
        Architecture architecture = Architectures.byName(arch);
        LayerOptions options = layerSettings.toOptions();
        LayerRuns.validate(layerNames, options);
        TrainConfig base = training.toConfig();
        ProxyTask task = ProxyTask.load(data.toConfig(), base, training.width, training.depth);
        ComparisonTable table = new ComparisonTable("Validation accuracy (%) by batch size, " + arch + ", "
                + task.data().spec().name() + ", " + examples + " examples seen (at most " + maxSteps + " steps), "
                + "lr " + base.peakLearningRate() + "·b/" + REFERENCE_BATCH,
                sizes.stream().map(b -> "b=" + b).toList(), 1.0 / task.archConfig().classes());
        int total = layerNames.size() * sizes.size() * seeds;
        int done = 0;
        for (String layer : layerNames) {
            for (int b : sizes) {
                int steps = Math.max(1, Math.min(maxSteps, examples / b));
                TrainConfig config = base.withBatchSize(b).withSteps(steps)
                        .withPeakLearningRate(base.peakLearningRate() * b / REFERENCE_BATCH);
                for (int s = 0; s < seeds; s++) {
                    done++;
                    long seed = base.seed() + s;
                    LayerRuns.run(table, layer, "b=" + b, architecture, LayerRuns.factory(layer, options, seed), task,
                            config.withSeed(seed), "[" + done + "/" + total + "]");
                }
            }
        }
        output.emit(table, spec.commandLine().getOut());
    }
}

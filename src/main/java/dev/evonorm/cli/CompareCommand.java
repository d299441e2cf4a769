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

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train several layers on several architectures over seeds and print a paper-style table (mean ± std).")
final class CompareCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--layers", defaultValue = "bn-relu,bn-silu,gn-relu,frn-tlu,evonorm-b0,evonorm-s0,random",
            description = "Comma-separated layers; 'random' is a random graph per seed without rejection (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--archs", defaultValue = "resnet,mobilenetv2,efficientnet",
            description = "Comma-separated architectures (default: the three search architectures).")
    String archs;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per cell (default: ${DEFAULT-VALUE}).")
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
        if (seeds < 1) {
            throw new UserInputException("--seeds must be at least 1, got " + seeds);
        }
        List<String> layerNames = LayerRuns.split(layers, "--layers");
        List<Architecture> architectures = LayerRuns.split(archs, "--archs").stream().map(Architectures::byName).toList();
        LayerOptions options = layerSettings.toOptions();
        LayerRuns.validate(layerNames, options);
        TrainConfig base = training.toConfig();
        ProxyTask task = ProxyTask.load(data.toConfig(), base, training.width, training.depth);
        ComparisonTable table = new ComparisonTable("Validation accuracy (%), " + task.data().spec().name() + ", "
                + base.steps() + " steps, batch " + base.batchSize() + ", " + seeds + " seed(s)",
                architectures.stream().map(Architecture::name).toList(), 1.0 / task.archConfig().classes());
        int total = layerNames.size() * architectures.size() * seeds;
        int done = 0;
        for (String layer : layerNames) {
            for (int s = 0; s < seeds; s++) {
                long seed = base.seed() + s;
                for (Architecture arch : architectures) {
                    done++;
                    LayerRuns.run(table, layer, arch.name(), arch, LayerRuns.factory(layer, options, seed), task,
                            base.withSeed(seed), "[" + done + "/" + total + "]");
                }
            }
        }
        output.emit(table, spec.commandLine().getOut());
    }
}

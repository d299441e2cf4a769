package dev.evonorm.cli;

import dev.evonorm.bench.ArchBench;
import dev.evonorm.bench.LayerBench;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks whose figures go into docs/benchmarks.md.",
        subcommands = {BenchCommand.LayersBench.class, OpsBenchCommand.class, BenchCommand.ArchsBench.class,
            ProxyBenchCommand.class, ScreenBenchCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new UserInputException("name a benchmark: 'evonorm bench layers', 'evonorm bench ops', 'evonorm bench archs', 'evonorm bench proxy' or 'evonorm bench screen'");
    }

    @Command(name = "layers", mixinStandardHelpOptions = true,
            description = "Forward+backward of each norm-act layer on a (64,32,32,32) tensor, interleaved, medians.")
    static final class LayersBench implements Runnable {
        @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--iterations", defaultValue = "25", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public void run() {
            if (warmup < 0 || iterations < 1) {
                throw new UserInputException("--warmup must be >= 0 and --iterations >= 1");
            }
            System.out.print(LayerBench.run(warmup, iterations).report());
        }
    }

    @Command(name = "archs", mixinStandardHelpOptions = true,
            description = "Training-step time of each architecture with BN-ReLU and without normalization.")
    static final class ArchsBench implements Runnable {
        @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--sizes", defaultValue = "28,14", description = "Input sides (default: ${DEFAULT-VALUE}).")
        String sizes;

        @Parameters(arity = "0..*", paramLabel = "ARCH", description = "Architectures (default: all).")
        List<String> names = new ArrayList<>();

        @Override
        public void run() {
            List<String> args = new ArrayList<>(List.of("--batch=" + batch, "--steps=" + steps, "--sizes=" + sizes));
            args.addAll(names);
            ArchBench.main(args.toArray(String[]::new));
        }
    }
}

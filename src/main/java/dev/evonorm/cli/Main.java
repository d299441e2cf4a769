package dev.evonorm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code evonorm} command. Errors a user can cause end in one line on stderr and exit code 2. */
@Command(name = "evonorm", mixinStandardHelpOptions = true, version = "evonorm 0.1.0",
        description = "Normalization-activation layers for DJL, and the EvoNorm layer search.",
        subcommands = {SearchCommand.class, LayersCommand.class, ArchsCommand.class, RandomCommand.class, TrainCommand.class, CompareCommand.class,
                SweepCommand.class, DiagnoseCommand.class, TopCommand.class, RerankCommand.class, ReportCommand.class, BenchCommand.class,
                JoinCommand.class, WorkerCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad input: a wrong flag, a malformed graph, a missing file. */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** As {@link #run(String...)}, writing to the given streams (null: standard out/err). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("evonorm: " + oneLine(ex.getMessage())
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UserInputException
                    || ex instanceof dev.evonorm.data.DataException || ex instanceof dev.evonorm.store.RunStoreException) {
                commandLine.getErr().println("evonorm: " + oneLine(ex.getMessage()));
                return USAGE_ERROR;
            }
            throw ex;
        });
        cli.setExecutionStrategy(parsed -> {
            if (trainsLayers(parsed)) {
                // Before the engine's first operation, so that PyTorch's threads inherit it.
                dev.evonorm.train.DenormalFlush.enable();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    /** Commands that train or screen layers, where denormal arithmetic would cost time (not for help). */
    private static final java.util.Set<String> TRAINING_COMMANDS = java.util.Set.of("search", "join", "worker", "train", "compare",
            "sweep", "rerank", "bench");

    private static boolean trainsLayers(CommandLine.ParseResult parsed) {
        if (!parsed.hasSubcommand() || !TRAINING_COMMANDS.contains(parsed.subcommand().commandSpec().name())) {
            return false;
        }
        for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}

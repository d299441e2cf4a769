package dev.evonorm.cli;

import dev.evonorm.cluster.WorkerPoolEvaluator;
import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.search.Proposal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Starts {@code evonorm worker} processes on this machine with this JVM and classpath. */
final class WorkerProcesses {
    private WorkerProcesses() {
    }

    /** One intra-op thread per worker: N workers then use N cores without fighting over them. */
    private static final Map<String, String> ONE_THREAD = Map.of("OMP_NUM_THREADS", "1", "MKL_NUM_THREADS", "1");

    static WorkerPoolEvaluator pool(int count, Path logFolder, Map<String, String> settings, Function<Proposal, Screened> screen) {
        return new WorkerPoolEvaluator(command(), ONE_THREAD, logFolder, count, settings, screen);
    }

    static List<String> command() {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The parent's DJL settings (offline mode, cache folders), evonorm's own (-Devonorm.native=off …)
        // and heap limit carry over.
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean djlSetting = arg.startsWith("-Dai.djl.") && !arg.startsWith("-Dai.djl.pytorch.num_");
            if (djlSetting || arg.startsWith("-Devonorm.") || arg.startsWith("-Xmx")) {
                c.add(arg);
            }
        }
        // Denormals flushed to zero in every worker whose Java can (dev.evonorm.train.DenormalFlush).
        c.addAll(dev.evonorm.train.DenormalFlush.jvmOptions());
        c.add("-Dai.djl.pytorch.num_threads=1");
        c.add("-Dai.djl.pytorch.num_interop_threads=1");
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(Main.class.getName());
        c.add("worker");
        c.add("--stop-with=" + ProcessHandle.current().pid());
        return c;
    }
}

package dev.evonorm.cli;

import dev.evonorm.cluster.WorkerLoop;
import dev.evonorm.cluster.WorkerProtocol;
import dev.evonorm.data.DataException;
import dev.evonorm.screen.EvaluationPipeline;
import dev.evonorm.train.ProxyTask;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An evaluation worker process, started by {@code evonorm search --workers N}: reads the run's
 * settings and then screened candidates on stdin, answers with verdicts on stdout
 * ({@link dev.evonorm.cluster.WorkerProtocol}). Not meant to be run by hand, hence hidden.
 */
@Command(name = "worker", hidden = true, description = "Evaluation worker process (started by 'evonorm search --workers N').")
final class WorkerCommand implements Runnable {

    /** Exit code of a worker whose starting process ended before it did. */
    static final int STARTER_GONE = 3;

    @Option(names = "--stop-with", paramLabel = "PID",
            description = "The process that started this worker; the worker stops as soon as that process ends.")
    Long stopWith;

    @Override
    public void run() {
        if (stopWith != null) {
            stopWith(stopWith);
        }
        // stdout is the protocol channel: everything else that prints goes to stderr (the worker's log).
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        System.err.println("evonorm worker: denormals " + dev.evonorm.train.DenormalFlush.state());
        ignoreInterrupts();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            WorkerLoop.run(in, protocol, values -> {
                SearchSettings settings = new SearchSettings(values);
                ProxyTask task = ProxyTask.load(settings.dataConfig(), settings.training(), settings.width(), settings.depth());
                String expected = values.get(WorkerProtocol.DATA_FINGERPRINT);
                String loaded = task.data().fingerprint();
                if (expected != null && !expected.equals(loaded)) {
                    throw new DataException("the data this worker loaded (" + loaded + ") is not the search's (" + expected
                            + "); every machine needs the same dataset files (evonorm join --data DIR)");
                }
                EvaluationPipeline pipeline = new EvaluationPipeline(settings.pipeline(task), task.data(), null);
                return request -> pipeline.train(request.graph(), request.screened());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A search killed with SIGKILL cannot tell its workers. Their input only reports the end once
     * they ask for the next candidate, so each would first finish the one in hand: minutes of a
     * core, taken from the resumed search that is by then training on the same machine. Watching
     * the starting process ends them at once instead.
     */
    private static void stopWith(long pid) {
        Optional<ProcessHandle> starter = ProcessHandle.of(pid);
        if (starter.isEmpty() || !starter.get().isAlive()) {
            starterGone(pid);
            return;
        }
        starter.get().onExit().thenRun(() -> starterGone(pid));
    }

    private static void starterGone(long pid) {
        System.err.println("evonorm worker: process " + pid + " that started this worker has ended; stopping");
        System.err.flush();
        Runtime.getRuntime().halt(STARTER_GONE);
    }

    /**
     * Ctrl-C on a terminal signals the whole process group. The search process stops and closes
     * the workers' input, which ends them; dying of the signal mid-candidate would instead look
     * like a candidate that crashed its worker.
     */
    @SuppressWarnings("sunapi")
    private static void ignoreInterrupts() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
        } catch (RuntimeException | LinkageError e) {
            // Not supported on this JVM or platform: a Ctrl-C then costs the in-flight candidates a retry.
        }
    }
}

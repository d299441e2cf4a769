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
import picocli.CommandLine.Command;

/**
 * An evaluation worker process, started by {@code evonorm search --workers N}: reads the run's
 * settings and then screened candidates on stdin, answers with verdicts on stdout
 * ({@link dev.evonorm.cluster.WorkerProtocol}). Not meant to be run by hand, hence hidden.
 */
@Command(name = "worker", hidden = true, description = "Evaluation worker process (started by 'evonorm search --workers N').")
final class WorkerCommand implements Runnable {

    @Override
    public void run() {
        // stdout is the protocol channel: everything else that prints goes to stderr (the worker's log).
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
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

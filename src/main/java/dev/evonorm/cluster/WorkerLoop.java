package dev.evonorm.cluster;

import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/**
 * The worker's side of {@link WorkerProtocol}: read the settings, build the evaluation from them,
 * say ready, then answer one request per line until the input ends.
 */
public final class WorkerLoop {
    private WorkerLoop() {
    }

    /** Trains one screened candidate. */
    public interface Training {
        Verdict train(WorkerProtocol.Request request);
    }

    /**
     * @param in requests from the search process
     * @param out the protocol channel (nothing else may write to it)
     * @param setup builds the training from the run's settings (loads the data)
     */
    public static void run(BufferedReader in, PrintStream out, Function<Map<String, String>, Training> setup) throws IOException {
        String first = in.readLine();
        if (first == null) {
            return;
        }
        Training training = setup.apply(WorkerProtocol.parseSettings(first));
        out.println(WorkerProtocol.ready());
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            WorkerProtocol.Request request = WorkerProtocol.parseRequest(line);
            Verdict verdict;
            try {
                verdict = training.train(request);
            } catch (RuntimeException e) {
                verdict = Verdict.rejected(Stage.TRAINING, "evaluation failed in the worker: " + e,
                        request.screened().functionalHash(), request.screened().seconds(), request.screened().stageSeconds());
            }
            out.println(WorkerProtocol.response(new WorkerProtocol.Response(request.id(), verdict)));
            out.flush();
        }
    }
}

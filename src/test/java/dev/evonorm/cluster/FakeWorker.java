package dev.evonorm.cluster;

import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Origin;
import dev.evonorm.search.Proposal;
import dev.evonorm.search.SyntheticFitness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A worker process for the pool's tests: speaks the real protocol through {@link WorkerLoop}, scores
 * with {@link SyntheticFitness} instead of training, and misbehaves on request (settings keys):
 * {@code crash_every} (exit 3 on every candidate id divisible by it), {@code crash_once_at}
 * (exit 3 the first time that id arrives; a marker file remembers), {@code refuse_start_if} (exit 4
 * before "ready" when that file exists). It appends its pid to {@code pid_log} per candidate.
 */
public final class FakeWorker {
    private FakeWorker() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        WorkerLoop.run(in, protocol, settings -> {
            String refuse = settings.get("refuse_start_if");
            if (refuse != null && Files.exists(Path.of(refuse))) {
                System.err.println("fake worker: told not to start");
                System.exit(4);
            }
            return request -> train(settings, request);
        });
    }

    private static Verdict train(Map<String, String> settings, WorkerProtocol.Request request) {
        long id = request.id();
        try {
            Files.writeString(Path.of(settings.get("pid_log")), ProcessHandle.current().pid() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (settings.containsKey("crash_every") && id % Long.parseLong(settings.get("crash_every")) == 0) {
                System.err.println("fake worker: crashing on candidate " + id);
                System.exit(3);
            }
            if (settings.containsKey("crash_once_at") && id == Long.parseLong(settings.get("crash_once_at"))) {
                Path marker = Path.of(settings.get("marker"));
                if (!Files.exists(marker)) {
                    Files.writeString(marker, "crashed");
                    System.exit(3);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Verdict v = SyntheticFitness.evaluate(new Proposal(id, Origin.RANDOM, 0, request.graph(), ""));
        return new Verdict(v.stage(), v.reason(), v.accuracies(), request.screened().functionalHash(), 0.25, Map.of("training", 0.25));
    }
}

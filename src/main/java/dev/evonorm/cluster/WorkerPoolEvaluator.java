package dev.evonorm.cluster;

import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Evaluator;
import dev.evonorm.search.EvaluatorFailure;
import dev.evonorm.search.Proposal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Evaluates candidates with a pool of local worker processes, {@code parallelism()} at a time.
 *
 * <p>The cheap screens (validity, numeric sanity, functional hash and dedupe) run here, on one
 * thread, because the functional cache lives in this process's run database; a candidate that
 * passes them is sent to the next free worker, which runs the quality and stability protocols and
 * the full trainings ({@link WorkerProtocol}). Each worker's standard error goes to
 * {@code worker-N.log} in the log folder.
 *
 * <p>A worker that dies is restarted. The candidate it was training is given to a worker once more
 * (the death may have been a signal or the machine, not the candidate); if it kills a worker a
 * second time it is rejected at the training stage with the exit codes, like any other candidate
 * that crashes the engine. A worker that cannot start (settings or data it cannot load) is an
 * error of the whole search, reported with the end of its log.
 */
public final class WorkerPoolEvaluator implements Evaluator {
    /** How long a worker may take to load the data and say it is ready. */
    private static final long STARTUP_SECONDS = 600;

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logFolder;
    private final String settingsLine;
    private final Screening screening;
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private volatile boolean closing;

    private static final class Job {
        final WorkerProtocol.Request request;
        final CompletableFuture<Verdict> result;
        final List<String> deaths = new ArrayList<>();

        Job(WorkerProtocol.Request request, CompletableFuture<Verdict> result) {
            this.request = request;
            this.result = result;
        }
    }

    /**
     * Starts {@code count} workers and waits until each is ready.
     *
     * @param command the worker's command line (it speaks {@link WorkerProtocol} on stdin/stdout)
     * @param environment extra environment variables for the workers (e.g. one intra-op thread)
     * @param logFolder where each worker's standard error is appended
     * @param count how many workers
     * @param settings the run's settings, the first line every worker receives
     * @param screen the screens run in this process, before a candidate goes to a worker; null when
     *     candidates arrive screened, through {@link #train}
     * @throws WorkerStartException when a worker cannot start, with the end of its log
     */
    public WorkerPoolEvaluator(List<String> command, Map<String, String> environment, Path logFolder, int count,
            Map<String, String> settings, Function<Proposal, Screened> screen) {
        if (count < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one worker, got " + count);
        }
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFolder = logFolder;
        this.settingsLine = WorkerProtocol.settings(settings);
        this.screening = screen == null ? null : new Screening(screen);
        try {
            Files.createDirectories(logFolder);
            for (int i = 1; i <= count; i++) {
                Worker w = new Worker(i);
                workers.add(w);
                w.start();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof WorkerStartException wse ? wse
                    : new WorkerStartException("cannot start evaluation workers: " + e.getMessage(), e);
        }
        liveWorkers.set(workers.size());
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    private static EvaluatorFailure noWorkerLeft(String why) {
        return new EvaluatorFailure("no evaluation worker is left (" + why + ")");
    }

    @Override
    public CompletableFuture<Verdict> submit(Proposal proposal) {
        if (screening == null) {
            throw new IllegalStateException("this pool was made for screened candidates; give them to train()");
        }
        return screening.submit(proposal, this::enqueue);
    }

    /**
     * Trains a candidate that already passed the screens elsewhere (a cluster node receives them
     * screened by the search process).
     */
    public CompletableFuture<Verdict> train(WorkerProtocol.Request request) {
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        enqueue(request, result);
        return result;
    }

    private void enqueue(WorkerProtocol.Request request, CompletableFuture<Verdict> result) {
        if (liveWorkers.get() == 0) {
            result.completeExceptionally(noWorkerLeft("every worker died and could not be restarted"));
        } else {
            jobs.add(new Job(request, result));
        }
    }

    @Override
    public int parallelism() {
        return workers.size();
    }

    /** How many times a worker died during an evaluation and was (or was attempted to be) restarted. */
    public int restarts() {
        return restarts.get();
    }

    @Override
    public void close() {
        closing = true;
        if (screening != null) {
            screening.close();
        }
        for (Worker w : workers) {
            w.stop();
        }
        Job j;
        while ((j = jobs.poll()) != null) {
            j.result.cancel(false);
        }
    }


    /** One worker process and the thread that feeds it. */
    private final class Worker {
        final int index;
        final Path log;
        final Thread thread;
        Process process;
        PrintStream toWorker;
        BufferedReader fromWorker;

        Worker(int index) {
            this.index = index;
            this.log = logFolder.resolve("worker-" + index + ".log");
            this.thread = new Thread(this::serve, "evonorm-worker-" + index);
            thread.setDaemon(true);
        }

        /** Launches the process, sends the settings and waits for "ready". */
        void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(environment);
            process = pb.start();
            toWorker = new PrintStream(process.getOutputStream(), false, StandardCharsets.UTF_8);
            fromWorker = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            toWorker.println(settingsLine);
            toWorker.flush();
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return fromWorker.readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            String line;
            try {
                line = first.get(STARTUP_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                line = null;
            }
            if (line == null || !WorkerProtocol.isReady(line)) {
                process.destroyForcibly();
                throw new WorkerStartException("evaluation worker " + index + " did not start"
                        + (line == null ? "" : " (it said: " + line + ")") + "; the end of " + log + ": " + tail(log));
            }
        }

        void serve() {
            while (!closing) {
                Job job;
                try {
                    job = jobs.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (job.result.isDone()) {
                    continue;
                }
                String answer;
                try {
                    toWorker.println(WorkerProtocol.request(job.request));
                    toWorker.flush();
                    answer = fromWorker.readLine();
                } catch (IOException e) {
                    answer = null;
                }
                if (closing) {
                    job.result.cancel(false);
                    return;
                }
                if (answer != null) {
                    try {
                        job.result.complete(WorkerProtocol.parseResponse(answer).verdict());
                        continue;
                    } catch (IllegalArgumentException e) {
                        // Anything but a response on the protocol channel: treat the worker as broken.
                        process.destroyForcibly();
                    }
                }
                if (!died(job)) {
                    return;
                }
            }
        }

        /** Handles this worker's death during {@code job}; false when it could not be restarted. */
        private boolean died(Job job) {
            int exit;
            try {
                exit = process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = -1;
            }
            if (closing) {
                job.result.cancel(false);
                return false;
            }
            process.destroyForcibly();
            // Counted before the candidate's result is published, so whoever sees the result also
            // sees the restart it caused.
            restarts.incrementAndGet();
            job.deaths.add(Integer.toString(exit));
            if (job.deaths.size() >= 2) {
                job.result.complete(Verdict.rejected(Stage.TRAINING, "killed the evaluation worker twice (exit codes "
                        + String.join(", ", job.deaths) + "; see " + logFolder + ")",
                        job.request.screened().functionalHash(), job.request.screened().seconds(), job.request.screened().stageSeconds()));
            } else {
                jobs.add(job);
            }
            try {
                start();
                return true;
            } catch (IOException | IllegalStateException e) {
                // This worker is gone for good; the others go on. With none left, fail what waits.
                if (liveWorkers.decrementAndGet() == 0) {
                    Job j;
                    while ((j = jobs.poll()) != null) {
                        j.result.completeExceptionally(noWorkerLeft(e.getMessage()));
                    }
                }
                return false;
            }
        }

        void stop() {
            if (process == null) {
                return;
            }
            toWorker.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            thread.interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}

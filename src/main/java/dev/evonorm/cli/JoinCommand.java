package dev.evonorm.cli;

import com.hazelcast.core.HazelcastInstance;
import dev.evonorm.cluster.ClusterAddress;
import dev.evonorm.cluster.ClusterMembers;
import dev.evonorm.cluster.ClusterNode;
import dev.evonorm.cluster.WorkerPoolEvaluator;
import dev.evonorm.cluster.WorkerStartException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Lends this machine to a search running elsewhere ({@code evonorm search --cluster HOST:PORT}):
 * joins its cluster, starts worker processes with the run's settings, trains the candidates the
 * search sends, and when that search ends waits for the next one at the same address.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = "Lend this machine's cores to a search started elsewhere with 'evonorm search --cluster HOST:PORT'. "
                + "Waits for the search, trains the candidates it sends in worker processes, and waits for the next search "
                + "when it ends (Ctrl-C to stop; the search re-sends what this machine was training).")
final class JoinCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Where the search listens (its --cluster).")
    String address;

    @Option(names = "--workers", defaultValue = "1",
            description = "Worker processes on this machine, one intra-op thread each: up to one per core, memory allowing "
                    + "(default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The dataset's folder on this machine, when it is not where the search machine has it.")
    Path data;

    @Option(names = "--bind", paramLabel = "IP", description = "The local address to reach the search from (default: chosen by the network).")
    String bind;

    @Option(names = "--logs", paramLabel = "DIR", defaultValue = "evonorm-node-logs",
            description = "Where the worker processes' logs go (default: ${DEFAULT-VALUE}).")
    Path logs;

    @Option(names = "--once", description = "Exit when the search ends instead of waiting for the next one.")
    boolean once;

    /** How long one attempt waits for the search before starting over. */
    private static final long ATTEMPT_SECONDS = 5;

    private volatile boolean stopping;

    @Override
    public void run() {
        if (workers < 1) {
            throw new UserInputException("--workers must be at least 1, got " + workers);
        }
        ClusterAddress search;
        try {
            search = ClusterAddress.parse(address);
            search.ip();
        } catch (IllegalArgumentException e) {
            throw new UserInputException("join: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        // Ctrl-C: stop taking candidates, withdraw from the search and end the workers before the JVM goes.
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                main.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            serveSearches(search, out);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running.
            }
        }
    }

    private void serveSearches(ClusterAddress search, PrintWriter out) {
        boolean waitingSaid = false;
        while (!stopping) {
            HazelcastInstance member;
            try {
                member = ClusterMembers.startNodeMember(search, bind);
            } catch (IllegalStateException e) {
                throw new UserInputException(e.getMessage() + (bind == null ? "" : "; check --bind"));
            }
            try {
                if (!awaitSearch(member)) {
                    if (!waitingSaid) {
                        say(out, "waiting for a search at " + search + " ('evonorm search --cluster " + search + "' there)");
                        waitingSaid = true;
                    }
                    continue;
                }
                waitingSaid = false;
                if (!serve(member, out)) {
                    continue; // the search had not published its run yet; try again
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                member.shutdown();
            }
            if (once) {
                return;
            }
        }
    }

    /** True once the cluster has the search's (non-lite) member; false after an attempt's time. */
    private boolean awaitSearch(HazelcastInstance member) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ATTEMPT_SECONDS);
        while (!stopping && System.nanoTime() < deadline) {
            if (member.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Serves the search until it ends; false when it had not published its run (nothing was served). */
    private boolean serve(HazelcastInstance member, PrintWriter out) throws InterruptedException {
        ClusterNode.SearchedRun run = null;
        for (int i = 0; i < 50 && run == null && !stopping; i++) {
            run = ClusterNode.searchedRun(member);
            if (run == null) {
                Thread.sleep(100); // the search has joined but not yet published its run
            }
        }
        if (run == null) {
            return false;
        }
        Map<String, String> settings = new LinkedHashMap<>(run.settings());
        if (data != null) {
            settings.put("data", data.toAbsolutePath().toString());
        }
        String runName = run.run();
        say(out, "serving the search of run " + runName + "; starting " + workers + " worker process" + (workers == 1 ? "" : "es"));
        WorkerPoolEvaluator pool;
        try {
            pool = WorkerProcesses.pool(workers, logs, settings, null);
        } catch (WorkerStartException e) {
            throw new UserInputException(e.getMessage() + "; the dataset must be on this machine too (point --data at it)", e);
        }
        try (pool; ClusterNode node = new ClusterNode(member, workers, hostName(), pool::train)) {
            node.start();
            String why;
            while ((why = node.ended().getNow(null)) == null && !stopping) {
                Thread.sleep(200);
            }
            if (why != null && why.startsWith("its training failed")) {
                throw new UserInputException("this machine stopped serving the search: " + why + " (logs in " + logs + ")");
            }
            say(out, stopping ? "stopping; the search re-sends what this machine was training" : "done serving run " + runName + ": " + why);
        }
        return true;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "?";
        }
    }

    private static void say(PrintWriter out, String line) {
        out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
        out.flush();
    }
}

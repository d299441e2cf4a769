package dev.evonorm.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Evaluator;
import dev.evonorm.search.Proposal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates candidates on every node of a Hazelcast cluster: machines that joined the search with
 * {@code evonorm join}, and the search process's own worker processes if it has any.
 *
 * <p>The screens (validity, numeric sanity, functional hash and dedupe) run here, where the run
 * database and its functional cache are. A candidate that passes waits here until some node has a
 * free slot, then goes to that node's job queue; the node sends its verdict to the results queue.
 * This process remembers which node trains what, so when a node leaves (its machine died, its
 * network went, it was stopped) its candidates are sent to other nodes. A candidate that was on
 * {@value #MAX_LOSSES} nodes as they left is rejected at the training stage: nodes train in worker
 * processes, so a candidate that crashes the engine costs a worker, not a node, and losing nodes
 * that often points at the candidate exhausting the machine.
 *
 * <p>All bookkeeping happens on one event thread; Hazelcast's listener threads only post to it.
 */
public final class ClusterEvaluator implements Evaluator {
    static final int MAX_LOSSES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEvaluator.class);

    private final HazelcastInstance hz;
    private final Screening screening;
    private final ExecutorService events = Executors.newSingleThreadExecutor(Screening.daemon("evonorm-cluster"));
    private final Thread resultsReader;
    private final UUID membershipListener;
    private final UUID nodesListener;
    private final List<ClusterNode> localNodes = new ArrayList<>();
    private final List<WorkerPoolEvaluator> localPools = new ArrayList<>();
    private volatile boolean closing;
    private volatile int slots;
    private volatile int nodeCount;

    // Event-thread state.
    private final Map<UUID, Node> nodes = new LinkedHashMap<>();
    private final Deque<Job> waiting = new ArrayDeque<>();
    private final Map<Long, Job> running = new HashMap<>();

    private static final class Node {
        final UUID id;
        final String host;
        final int workers;
        final Set<Long> training = new LinkedHashSet<>();
        final IQueue<String> jobs;

        Node(UUID id, String host, int workers, IQueue<String> jobs) {
            this.id = id;
            this.host = host;
            this.workers = workers;
            this.jobs = jobs;
        }
    }

    private static final class Job {
        final WorkerProtocol.Request request;
        final CompletableFuture<Verdict> result;
        final List<String> losses = new ArrayList<>();
        UUID node;

        Job(WorkerProtocol.Request request, CompletableFuture<Verdict> result) {
            this.request = request;
            this.result = result;
        }
    }

    /**
     * Serves the search from {@code hz}, the search's member, which this evaluator then owns (it
     * shuts it down on close).
     *
     * @param settings the run's settings, which every node's workers load
     * @param runLabel how nodes name the run they serve (its folder)
     * @param screen the screens run in this process before a candidate goes to a node
     */
    public ClusterEvaluator(HazelcastInstance hz, Map<String, String> settings, String runLabel, Function<Proposal, Screened> screen) {
        this.hz = hz;
        this.screening = new Screening(screen);
        IMap<String, String> run = hz.getMap(ClusterMessages.RUN_MAP);
        // A node starts serving as soon as it sees the settings, and reads the run's label then:
        // the label goes in first (each put completes before the next begins), or a quick node reads none.
        run.put(ClusterMessages.RUN_KEY, runLabel);
        run.put(ClusterMessages.SETTINGS_KEY, WorkerProtocol.settings(settings));
        membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                post(() -> nodeGone(event.getMember().getUuid(), "left the cluster"));
            }
        });
        IMap<String, String> registry = hz.getMap(ClusterMessages.NODES_MAP);
        nodesListener = registry.addEntryListener(new NodeRegistry(), true);
        resultsReader = new Thread(this::readResults, "evonorm-results");
        resultsReader.setDaemon(true);
        resultsReader.start();
    }

    /** Listens to nodes offering and withdrawing their slots. */
    private final class NodeRegistry implements EntryAddedListener<String, String>, EntryRemovedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            ClusterMessages.Registration r = ClusterMessages.parseRegistration(event.getValue());
            post(() -> nodeJoined(UUID.fromString(event.getKey()), r));
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            post(() -> nodeGone(UUID.fromString(event.getKey()), "withdrew"));
        }
    }

    /** Also trains on this machine, in {@code pool}'s worker processes; the pool is closed with this evaluator. */
    public void addLocalNode(WorkerPoolEvaluator pool) {
        localPools.add(pool);
        addLocalNode(pool.parallelism(), pool::train);
    }

    /** Also trains on this machine: {@code workers} slots served by {@code trainer} in this process. */
    public void addLocalNode(int workers, ClusterNode.Trainer trainer) {
        ClusterNode node = new ClusterNode(hz, workers, "this machine", trainer);
        localNodes.add(node);
        node.ended().thenAccept(why -> {
            if (!closing) {
                LOG.error("this machine's workers stopped: {}", why);
            }
        });
        node.start();
    }

    @Override
    public CompletableFuture<Verdict> submit(Proposal proposal) {
        return screening.submit(proposal, (request, result) -> {
            Job job = new Job(request, result);
            post(() -> {
                waiting.addLast(job);
                dispatch();
            });
        });
    }

    /**
     * The slots of the nodes now in the cluster, and at least 1, so that a search started before
     * any node joined keeps one candidate waiting for the first.
     */
    @Override
    public int parallelism() {
        return Math.max(1, slots);
    }

    @Override
    public String status() {
        int n = nodeCount;
        return n == 0 ? "waiting for nodes to join" : n + " node" + (n == 1 ? "" : "s") + ", " + slots + " slot" + (slots == 1 ? "" : "s");
    }

    /** How many nodes are serving the search now. */
    public int nodes() {
        return nodeCount;
    }

    private void post(Runnable event) {
        if (!closing) {
            try {
                events.execute(event);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void nodeJoined(UUID id, ClusterMessages.Registration r) {
        Member member = hz.getCluster().getMembers().stream().filter(m -> m.getUuid().equals(id)).findFirst().orElse(null);
        if (member == null || r.workers() < 1 || nodes.containsKey(id)) {
            return; // left again before its offer arrived, or offered nothing
        }
        nodes.put(id, new Node(id, r.host(), r.workers(), hz.getQueue(ClusterMessages.jobsQueue(id))));
        countSlots();
        LOG.info("node {} ({}) joined with {} worker{}; {} slots on {} node{}", r.host(), member.getAddress(), r.workers(),
                r.workers() == 1 ? "" : "s", slots, nodeCount, nodeCount == 1 ? "" : "s");
        dispatch();
    }

    private void nodeGone(UUID id, String how) {
        Node node = nodes.remove(id);
        if (node == null) {
            return;
        }
        countSlots();
        try {
            node.jobs.destroy();
            hz.getMap(ClusterMessages.NODES_MAP).remove(id.toString());
        } catch (RuntimeException e) {
            // Shutting down.
        }
        for (long candidate : node.training) {
            Job job = running.remove(candidate);
            if (job == null) {
                continue;
            }
            job.losses.add(node.host);
            if (job.losses.size() >= MAX_LOSSES) {
                WorkerProtocol.Request r = job.request;
                job.result.complete(Verdict.rejected(Stage.TRAINING, "was being trained on " + MAX_LOSSES
                        + " nodes as they left the cluster (" + String.join(", ", job.losses) + ")",
                        r.screened().functionalHash(), r.screened().seconds(), r.screened().stageSeconds()));
            } else {
                waiting.addFirst(job);
            }
        }
        LOG.warn("node {} {}{}; {} slots on {} node{} left", node.host, how,
                node.training.isEmpty() ? "" : ", its " + node.training.size() + " candidate(s) go to other nodes",
                slots, nodeCount, nodeCount == 1 ? "" : "s");
        dispatch();
    }

    private void countSlots() {
        slots = nodes.values().stream().mapToInt(n -> n.workers).sum();
        nodeCount = nodes.size();
    }

    private void dispatch() {
        while (!waiting.isEmpty()) {
            Node free = nodes.values().stream().filter(n -> n.training.size() < n.workers)
                    .max(java.util.Comparator.comparingInt(n -> n.workers - n.training.size())).orElse(null);
            if (free == null) {
                return;
            }
            Job job = waiting.pollFirst();
            if (job.result.isDone()) {
                continue;
            }
            job.node = free.id;
            free.training.add(job.request.id());
            running.put(job.request.id(), job);
            free.jobs.offer(WorkerProtocol.request(job.request));
        }
    }

    private void resultArrived(ClusterMessages.Result result) {
        long candidate = result.response().id();
        Job job = running.get(candidate);
        if (job == null || !result.node().equals(job.node)) {
            return; // from a node the candidate was taken back from
        }
        running.remove(candidate);
        Node node = nodes.get(result.node());
        if (node != null) {
            node.training.remove(candidate);
        }
        job.result.complete(result.response().verdict());
        dispatch();
    }

    private void readResults() {
        IQueue<String> results = hz.getQueue(ClusterMessages.RESULTS_QUEUE);
        while (!closing) {
            String line;
            try {
                line = results.take();
            } catch (InterruptedException | HazelcastInstanceNotActiveException e) {
                return;
            }
            try {
                ClusterMessages.Result r = ClusterMessages.parseResult(line);
                post(() -> resultArrived(r));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignored a malformed result: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        for (ClusterNode n : localNodes) {
            n.close();
        }
        for (WorkerPoolEvaluator p : localPools) {
            p.close();
        }
        screening.close();
        events.shutdownNow();
        resultsReader.interrupt();
        try {
            events.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Job j : waiting) {
            j.result.cancel(false);
        }
        for (Job j : running.values()) {
            j.result.cancel(false);
        }
        try {
            hz.getCluster().removeMembershipListener(membershipListener);
            hz.getMap(ClusterMessages.NODES_MAP).removeEntryListener(nodesListener);
        } catch (RuntimeException e) {
            // Already down.
        }
        hz.shutdown();
    }

}

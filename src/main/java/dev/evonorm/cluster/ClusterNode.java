package dev.evonorm.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.evonorm.screen.Verdict;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Offers a member's local worker slots to the search: registers them, takes the screened
 * candidates the search sends to this member, trains them (usually in a {@link WorkerPoolEvaluator})
 * and sends the verdicts back. Runs on a remote machine ({@code evonorm join}) or inside the
 * search process itself when the search also trains locally.
 *
 * <p>The node ends when the search's member leaves the cluster, when its training fails as a
 * whole (no worker can be restarted), or when closed; {@link #awaitEnd} says why.
 */
public final class ClusterNode implements AutoCloseable {
    /** Trains one screened candidate; completes exceptionally only when training itself is broken. */
    public interface Trainer {
        CompletableFuture<Verdict> train(WorkerProtocol.Request request);
    }

    private final HazelcastInstance hz;
    private final UUID id;
    private final int workers;
    private final Trainer trainer;
    private final String host;
    private final IQueue<String> jobs;
    private final IQueue<String> results;
    private final IMap<String, String> nodes;
    private final Thread thread;
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private UUID membershipListener;
    private volatile boolean closing;

    /**
     * @param hz this machine's member of the search's cluster
     * @param workers how many candidates this node trains at once
     * @param host how the search's log names this node
     */
    public ClusterNode(HazelcastInstance hz, int workers, String host, Trainer trainer) {
        this.hz = hz;
        this.id = hz.getCluster().getLocalMember().getUuid();
        this.workers = workers;
        this.trainer = trainer;
        this.jobs = hz.getQueue(ClusterMessages.jobsQueue(id));
        this.results = hz.getQueue(ClusterMessages.RESULTS_QUEUE);
        this.nodes = hz.getMap(ClusterMessages.NODES_MAP);
        this.thread = new Thread(this::serve, "evonorm-node");
        thread.setDaemon(true);
        this.host = host;
    }

    /** The run a search serves: its folder and the settings its workers load. */
    public record SearchedRun(String run, Map<String, String> settings) {
    }

    /** The run the search in {@code hz}'s cluster works on; null until the search has published it. */
    public static SearchedRun searchedRun(HazelcastInstance hz) {
        IMap<String, String> run = hz.getMap(ClusterMessages.RUN_MAP);
        String settings = run.get(ClusterMessages.SETTINGS_KEY);
        return settings == null ? null : new SearchedRun(run.get(ClusterMessages.RUN_KEY), WorkerProtocol.parseSettings(settings));
    }

    /** Starts taking candidates and offers this node's slots to the search. */
    public void start() {
        membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                if (!event.getMember().isLiteMember()) {
                    end("the search at " + event.getMember().getAddress() + " left");
                }
            }
        });
        thread.start();
        nodes.put(id.toString(), ClusterMessages.registration(workers, host));
    }

    /** Blocks until the node ends; returns why. */
    public String awaitEnd() throws InterruptedException {
        try {
            return ended.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Completes, with the reason, when the node ends. */
    public CompletableFuture<String> ended() {
        return ended;
    }

    private void withdraw() {
        try {
            nodes.removeAsync(id.toString());
        } catch (RuntimeException e) {
            // The cluster is already gone: nothing to withdraw from.
        }
    }

    private void end(String why) {
        ended.complete(why);
        closing = true;
        thread.interrupt();
    }

    private void serve() {
        try {
            while (!closing) {
                String line = jobs.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                WorkerProtocol.Request request = WorkerProtocol.parseRequest(line);
                trainer.train(request).whenComplete((verdict, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        // Withdraw, so the search sends this node's candidates elsewhere.
                        end("its training failed: " + cause.getMessage());
                        withdraw();
                        return;
                    }
                    try {
                        results.offer(ClusterMessages.result(id, new WorkerProtocol.Response(request.id(), verdict)));
                    } catch (RuntimeException e) {
                        end("it lost the search (" + e.getMessage() + ")");
                    }
                });
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            end("it lost the search (" + e.getMessage() + ")");
        }
    }

    /** Withdraws this node's slots (the search re-sends what it was training) and stops taking candidates. */
    @Override
    public void close() {
        boolean searchPresent = !ended.isDone();
        end("closed");
        if (membershipListener != null) {
            try {
                hz.getCluster().removeMembershipListener(membershipListener);
            } catch (RuntimeException e) {
                // Already shut down.
            }
        }
        if (searchPresent) {
            withdraw();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

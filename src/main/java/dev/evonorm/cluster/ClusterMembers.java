package dev.evonorm.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Starts the Hazelcast members of an evonorm cluster: the search's member, which holds all the
 * shared state (job and result queues, the node registry), and lite members for nodes, which hold
 * none, so that a node that vanishes takes nothing with it but the candidates it was training.
 *
 * <p>Joining is by explicit address (TCP/IP), never multicast or cloud discovery, and phone-home is
 * off: a search only ever talks to the machines told to join it.
 */
public final class ClusterMembers {
    /** Members of different protocol versions must not join each other. */
    public static final String CLUSTER_NAME = "evonorm-1";

    private ClusterMembers() {
    }

    /**
     * The search's member, listening on {@code address} ({@code 0.0.0.0:PORT} for every interface).
     *
     * @throws IllegalStateException when it cannot listen there (port taken, address not local)
     */
    public static HazelcastInstance startSearchMember(ClusterAddress address) {
        checkCanListen(address);
        Config config = base();
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(address.port()).setPortAutoIncrement(false);
        if (!address.isWildcard()) {
            bindTo(config, address.ip());
            network.getJoin().getTcpIpConfig().addMember(address.ip() + ":" + address.port());
        }
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        return start(config, "cannot listen for evaluation nodes on " + address);
    }

    /**
     * A lite member on this machine that joins the search at {@code search}.
     *
     * @param bind the local interface to use; null picks the loopback one for a loopback search and
     *     lets Hazelcast choose otherwise
     */
    public static HazelcastInstance startNodeMember(ClusterAddress search, String bind) {
        Config config = base().setLiteMember(true);
        config.getNetworkConfig().setPort(ClusterAddress.DEFAULT_PORT + 1).setPortAutoIncrement(true).setPortCount(200);
        String local = bind != null ? bind : search.isLoopback() ? "127.0.0.1" : null;
        if (local != null) {
            bindTo(config, local);
        }
        config.getNetworkConfig().getJoin().getTcpIpConfig().addMember(search.ip() + ":" + search.port()).setConnectionTimeoutSeconds(3);
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        return start(config, "cannot start a cluster member to join " + search);
    }

    /** Tries the address first, so that a taken port is one line here rather than Hazelcast's stack trace. */
    private static void checkCanListen(ClusterAddress address) {
        java.net.InetSocketAddress where = address.isWildcard() ? new java.net.InetSocketAddress(address.port())
                : new java.net.InetSocketAddress(address.ip(), address.port());
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(where);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen for evaluation nodes on " + address + ": " + e.getMessage(), e);
        }
    }

    private static Config base() {
        Config config = new Config();
        config.setClusterName(CLUSTER_NAME);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // evonorm closes its members itself; Hazelcast's hook would race it on Ctrl-C.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A node that stops answering is given up after 20 s (Hazelcast's default is a minute),
        // and its candidates go to other nodes.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "2");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "20");
        config.getJetConfig().setEnabled(false);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        return config;
    }

    private static void bindTo(Config config, String ip) {
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(ip);
    }

    private static HazelcastInstance start(Config config, String what) {
        try {
            return Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalStateException(what + ": " + root.getMessage(), e);
        }
    }
}

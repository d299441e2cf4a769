package dev.evonorm.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A HOST:PORT where a search's cluster member listens and where nodes join it. */
public record ClusterAddress(String host, int port) {
    /** Hazelcast's own default port; searches listen there unless told otherwise. */
    public static final int DEFAULT_PORT = 5710;

    public ClusterAddress {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    /**
     * Parses {@code HOST:PORT} or {@code HOST} (default port).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ClusterAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (t.isEmpty() || colon == 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 10.0.0.5:5710)");
        }
        if (colon < 0) {
            return new ClusterAddress(t, DEFAULT_PORT);
        }
        try {
            return new ClusterAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT: the port must be a number (e.g. 10.0.0.5:5710)");
        }
    }

    /** The host's IP address; Hazelcast compares members by address, not by name. */
    public String ip() {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'; give an IP address or a name this machine resolves");
        }
    }

    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("*");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}

package dev.evonorm.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;

/**
 * The names of the shared structures of an evonorm cluster and the few messages that are not
 * already {@link WorkerProtocol} lines. Everything shared is a string, so members never need each
 * other's classes.
 *
 * <pre>
 *   map   evonorm.run          "settings" → the run's settings line; "run" → the run's folder
 *   map   evonorm.nodes        member id → {"workers": N, "host": "…"}   (a node offers N slots)
 *   queue evonorm.jobs.ID      screened candidates for the node with that member id (requests)
 *   queue evonorm.results      "ID\t" + response, from any node to the search
 * </pre>
 */
final class ClusterMessages {
    static final String RUN_MAP = "evonorm.run";
    static final String NODES_MAP = "evonorm.nodes";
    static final String RESULTS_QUEUE = "evonorm.results";
    static final String SETTINGS_KEY = "settings";
    static final String RUN_KEY = "run";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterMessages() {
    }

    static String jobsQueue(UUID node) {
        return "evonorm.jobs." + node;
    }

    record Registration(int workers, String host) {
    }

    static String registration(int workers, String host) {
        return JSON.createObjectNode().put("workers", workers).put("host", host).toString();
    }

    static Registration parseRegistration(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new Registration(n.path("workers").asInt(0), n.path("host").asText("?"));
        } catch (java.io.IOException e) {
            return new Registration(0, "?");
        }
    }

    record Result(UUID node, WorkerProtocol.Response response) {
    }

    static String result(UUID node, WorkerProtocol.Response response) {
        return node + "\t" + WorkerProtocol.response(response);
    }

    static Result parseResult(String line) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            throw new IllegalArgumentException("not a cluster result: " + line);
        }
        return new Result(UUID.fromString(line.substring(0, tab)), WorkerProtocol.parseResponse(line.substring(tab + 1)));
    }
}

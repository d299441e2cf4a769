package dev.evonorm.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The line protocol between the search process and a worker process: one JSON object per line.
 *
 * <pre>
 *   search → worker   first line: the run's settings {"settings": {key: value, …}}
 *   worker → search   {"ready": true} once the data is loaded
 *   search → worker   {"id": 7, "graph": {…}, "hash": "…", "seconds": 0.01, "stageSeconds": {…}}
 *   worker → search   {"id": 7, "verdict": {"stage": "accepted", "reason": "", "accuracies": […], …}}
 * </pre>
 *
 * Doubles travel as JSON numbers, which Jackson writes with enough digits to read back the same
 * double, so a verdict is the same whether it was computed here or in a worker.
 */
public final class WorkerProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A settings key the search adds for its workers: the fingerprint of the data it loaded
     * ({@code DataSplits.fingerprint()}). A worker whose data differs refuses to start, so that a
     * machine with other dataset files cannot score candidates on other data.
     */
    public static final String DATA_FINGERPRINT = "data_fingerprint";

    private WorkerProtocol() {
    }

    /** A candidate that passed the screens, for a worker to train. */
    public record Request(long id, LayerGraph graph, Screened screened) {
    }

    public record Response(long id, Verdict verdict) {
    }

    public static String settings(Map<String, String> settings) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode s = root.putObject("settings");
        settings.forEach(s::put);
        return root.toString();
    }

    public static Map<String, String> parseSettings(String line) {
        JsonNode s = read(line).path("settings");
        if (!s.isObject()) {
            throw new IllegalArgumentException("expected {\"settings\": {…}} as the first line, got: " + abbreviate(line));
        }
        Map<String, String> out = new LinkedHashMap<>();
        s.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    public static String ready() {
        return "{\"ready\":true}";
    }

    public static boolean isReady(String line) {
        return read(line).path("ready").asBoolean(false);
    }

    public static String request(Request r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", r.id());
        root.set("graph", GraphJson.toTree(r.graph()));
        root.put("hash", r.screened().functionalHash());
        root.put("seconds", r.screened().seconds());
        root.set("stageSeconds", seconds(r.screened().stageSeconds()));
        return root.toString();
    }

    public static Request parseRequest(String line) {
        JsonNode root = read(line);
        Screened screened = new Screened(null, text(root.get("hash")), root.path("seconds").asDouble(),
                seconds(root.path("stageSeconds")));
        return new Request(root.path("id").asLong(), GraphJson.fromTree(root.path("graph")), screened);
    }

    public static String response(Response r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", r.id());
        ObjectNode v = root.putObject("verdict");
        Verdict verdict = r.verdict();
        v.put("stage", verdict.stage().token());
        v.put("reason", verdict.reason());
        ArrayNode acc = v.putArray("accuracies");
        for (double a : verdict.accuracies()) {
            acc.add(a);
        }
        v.put("hash", verdict.functionalHash());
        v.put("seconds", verdict.seconds());
        v.set("stageSeconds", seconds(verdict.stageSeconds()));
        return root.toString();
    }

    public static Response parseResponse(String line) {
        JsonNode root = read(line);
        JsonNode v = root.path("verdict");
        if (!v.isObject()) {
            throw new IllegalArgumentException("not a worker response: " + abbreviate(line));
        }
        Stage stage = Stage.valueOf(v.path("stage").asText().toUpperCase(Locale.ROOT));
        double[] accuracies = new double[v.path("accuracies").size()];
        for (int i = 0; i < accuracies.length; i++) {
            accuracies[i] = v.path("accuracies").get(i).asDouble();
        }
        Verdict verdict = new Verdict(stage, v.path("reason").asText(), accuracies, text(v.get("hash")),
                v.path("seconds").asDouble(), seconds(v.path("stageSeconds")));
        return new Response(root.path("id").asLong(), verdict);
    }

    private static ObjectNode seconds(Map<String, Double> seconds) {
        ObjectNode n = JSON.createObjectNode();
        seconds.forEach(n::put);
        return n;
    }

    private static Map<String, Double> seconds(JsonNode node) {
        Map<String, Double> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a protocol line (" + e.getMessage() + "): " + abbreviate(line), e);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 120) + "…";
    }
}

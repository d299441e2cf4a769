package dev.evonorm.graph;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Layer graphs as JSON: {@code {"nodes": [{"op": "var_bhw", "in": [0]}, …]}}. Inputs are absolute
 * node indices (0 = x, 1 = zero, 2 = v0, 3 = v1, 4… = earlier nodes); on input the names
 * {@code x}, {@code zero}, {@code v0}, {@code v1} are accepted too. Optional top-level
 * {@code "name"} and {@code "formula"} are informational and ignored when reading. Any other
 * problem is an {@link InvalidGraphException} whose one-line message says how to fix it.
 */
public final class GraphJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("nodes", "name", "formula");
    private static final Set<String> NODE_KEYS = Set.of("op", "in");
    static final String EXAMPLE = "{\"nodes\": [{\"op\": \"var_hw\", \"in\": [0]}, {\"op\": \"signed_sqrt\", \"in\": [4]}, {\"op\": \"div\", \"in\": [0, 5]}]}";

    private GraphJson() {
    }

    /** Compact JSON with integer inputs. */
    public static String toJson(LayerGraph graph) {
        return toTree(graph).toString();
    }

    public static ObjectNode toTree(LayerGraph graph) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode nodes = root.putArray("nodes");
        for (Node n : graph.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("op", n.op().token());
            ArrayNode in = o.putArray("in");
            n.inputs().forEach(in::add);
        }
        return root;
    }

    public static LayerGraph parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidGraphException("graph JSON is malformed" + where + " (" + oneLine(e.getOriginalMessage())
                    + "); write it like " + EXAMPLE);
        }
        return fromTree(root);
    }

    public static LayerGraph fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidGraphException("graph JSON must be an object with a \"nodes\" array; write it like " + EXAMPLE);
        }
        checkKeys(root, TOP_LEVEL_KEYS, "graph");
        JsonNode nodes = root.get("nodes");
        if (nodes == null || !nodes.isArray()) {
            throw new InvalidGraphException("graph JSON has no \"nodes\" array; write it like " + EXAMPLE);
        }
        List<Node> parsed = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            parsed.add(parseNode(nodes.get(k), LayerGraph.INITIAL_NODES + k));
        }
        return new LayerGraph(parsed);
    }

    private static Node parseNode(JsonNode node, int index) {
        String where = "node " + index + " (entry " + (index - LayerGraph.INITIAL_NODES) + " of \"nodes\")";
        if (!node.isObject()) {
            throw new InvalidGraphException(where + " is not an object; write nodes like {\"op\": \"add\", \"in\": [0, 3]}");
        }
        checkKeys(node, NODE_KEYS, where);
        JsonNode op = node.get("op");
        if (op == null || !op.isTextual()) {
            throw new InvalidGraphException(where + " has no \"op\" string; give it a primitive such as \"add\"");
        }
        Primitive primitive;
        try {
            primitive = Primitive.fromToken(op.asText());
        } catch (InvalidGraphException e) {
            throw new InvalidGraphException(where + ": " + e.getMessage());
        }
        JsonNode in = node.get("in");
        if (in == null || !in.isArray()) {
            throw new InvalidGraphException(where + " has no \"in\" array; list its input node indices, e.g. \"in\": [0]");
        }
        if (in.size() != primitive.arity()) {
            throw new InvalidGraphException(where + ": '" + primitive.token() + "' takes " + primitive.arity()
                    + " input(s) but \"in\" lists " + in.size() + "; give it exactly " + primitive.arity());
        }
        int left = inputIndex(in.get(0), where);
        int right = primitive.arity() == 2 ? inputIndex(in.get(1), where) : -1;
        if (left >= index || (right >= index)) {
            throw new InvalidGraphException(where + " reads node " + Math.max(left, right)
                    + ", which is not earlier; a node may only read nodes 0.." + (index - 1));
        }
        return new Node(primitive, left, right);
    }

    private static int inputIndex(JsonNode value, String where) {
        if (value.isInt()) {
            int i = value.asInt();
            if (i < 0) {
                throw new InvalidGraphException(where + " reads node " + i + "; node indices start at 0 (x)");
            }
            return i;
        }
        if (value.isTextual()) {
            return switch (value.asText().trim().toLowerCase(Locale.ROOT)) {
                case "x" -> LayerGraph.INPUT;
                case "zero", "0" -> LayerGraph.ZERO;
                case "v0" -> LayerGraph.V0;
                case "v1" -> LayerGraph.V1;
                default -> throw new InvalidGraphException(where + " reads '" + value.asText()
                        + "'; inputs are node indices or one of x, zero, v0, v1");
            };
        }
        throw new InvalidGraphException(where + " has input " + value + "; inputs are node indices or one of x, zero, v0, v1");
    }

    private static void checkKeys(JsonNode object, Set<String> allowed, String where) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new InvalidGraphException(where + " has unknown field \"" + key + "\"; allowed fields: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}

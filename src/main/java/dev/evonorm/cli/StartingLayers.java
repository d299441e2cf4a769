package dev.evonorm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evonorm.graph.Formula;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.layers.LayerCatalog;
import dev.evonorm.layers.Layers;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The layers a search starts from ({@code --start-from}): published EvoNorms, graph files, or the
 * population an earlier run ended with. They are kept in the run's settings as a JSON array of
 * graphs, so a resumed run (or a cluster node) has exactly them even when the files have changed
 * or are gone.
 */
final class StartingLayers {
    static final String RUN_PREFIX = "run:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StartingLayers() {
    }

    /**
     * Resolves the option's values in order. A value is split on commas ({@code evonorm-b0,evonorm-s0})
     * unless it is a {@code graph:} value, which is one layer (inline JSON has commas of its own).
     */
    static List<LayerGraph> resolve(List<String> values) {
        List<LayerGraph> out = new ArrayList<>();
        for (String value : values) {
            String v = value.trim();
            if (v.startsWith(Layers.GRAPH_PREFIX)) {
                out.addAll(resolveOne(v));
                continue;
            }
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.addAll(resolveOne(part.trim()));
                }
            }
        }
        return out;
    }

    private static List<LayerGraph> resolveOne(String spec) {
        if (spec.startsWith(RUN_PREFIX)) {
            return population(spec.substring(RUN_PREFIX.length()).trim());
        }
        Optional<LayerGraph> graph;
        try {
            graph = Layers.graphOf(spec);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--start-from " + spec + ": " + e.getMessage());
        }
        if (graph.isEmpty()) {
            String name = spec.toLowerCase(java.util.Locale.ROOT);
            String why = LayerCatalog.find(name).isEmpty() ? "unknown layer"
                    : name.startsWith("evonorm-") ? "a variant whose graph is its plain layer's (ε and the norm-only choice are "
                            + "run settings: --eps, --norm-only)"
                    : "not a graph of the search space (a baseline applies its activation after the affine)";
            throw new UserInputException("--start-from " + spec + ": " + why
                    + "; give evonorm-b0 … evonorm-s2, graph:FILE.json, or run:DIR (the population an earlier run ended with)");
        }
        return List.of(graph.get());
    }

    /** The population an earlier run ended with, oldest first. */
    private static List<LayerGraph> population(String folder) {
        if (folder.isEmpty()) {
            throw new UserInputException("--start-from run: needs the folder of an earlier run, e.g. run:runs/evo");
        }
        try (RunStore store = RunStore.open(SearchCommand.databaseOf(Path.of(folder)))) {
            List<Long> ids = store.population();
            if (ids.isEmpty()) {
                throw new UserInputException("--start-from run:" + folder + ": that run has no population yet (no layer passed "
                        + "every screen); start from another run or from named layers");
            }
            Map<Long, LayerGraph> graphs = store.completed().stream()
                    .collect(Collectors.toMap(CandidateRecord::id, CandidateRecord::graph, (a, b) -> a));
            return ids.stream().map(graphs::get).toList();
        }
    }

    /** The settings value: "" for none (the paper's random start), else a JSON array of graphs. */
    static String encode(List<LayerGraph> graphs) {
        if (graphs.isEmpty()) {
            return "";
        }
        ArrayNode array = JSON.createArrayNode();
        graphs.forEach(g -> array.add(GraphJson.toTree(g)));
        return array.toString();
    }

    static List<LayerGraph> decode(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new UserInputException("the run's start_from setting is not valid JSON; the run database is damaged");
        }
        if (!root.isArray()) {
            throw new UserInputException("the run's start_from setting is not a JSON array; the run database is damaged");
        }
        List<LayerGraph> out = new ArrayList<>();
        root.forEach(node -> out.add(GraphJson.fromTree(node)));
        return out;
    }

    /** For the settings block at the start of a run: how many, and their formulas. */
    static String describe(List<LayerGraph> graphs) {
        return graphs.isEmpty() ? "" : graphs.size() + (graphs.size() == 1 ? " layer: " : " layers: ")
                + graphs.stream().map(Formula::unicode).collect(Collectors.joining("; "));
    }
}

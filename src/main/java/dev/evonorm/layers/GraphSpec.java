package dev.evonorm.layers;

import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the argument of {@code graph:<…>}: inline JSON when it starts with '{', otherwise a JSON file path. */
final class GraphSpec {
    private GraphSpec() {
    }

    static LayerGraph read(String argument) {
        String text = argument.trim();
        if (text.startsWith("{")) {
            return GraphJson.parse(text);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("graph: needs a JSON file path or inline JSON, e.g. graph:layer.json");
        }
        Path path = Path.of(text);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("graph file '" + text + "' does not exist; give a JSON file path or inline JSON after graph:");
        }
        try {
            return GraphJson.parse(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read graph file '" + text + "' (" + e.getMessage() + "); check the path and permissions", e);
        }
    }
}

package dev.evonorm.screen;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.SearchSpace;
import java.util.Optional;

/**
 * The validity screen, from structure alone: the layer belongs to the search space (no live batch
 * aggregate in the batch-independent space) and its output depends on its input. Shape is
 * preserved by construction (every primitive maps the input shape to itself).
 */
public final class StaticScreen {
    private StaticScreen() {
    }

    /** Empty when valid, else the reason. */
    public static Optional<String> check(LayerGraph graph, SearchSpace space) {
        if (!graph.fitsIn(space)) {
            return Optional.of("uses a batch aggregate in the batch-independent space");
        }
        if (!graph.readsInput()) {
            return Optional.of("output does not depend on the input x");
        }
        return Optional.empty();
    }
}

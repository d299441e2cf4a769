package dev.evonorm.screen;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.SearchSpace;
import java.util.Optional;

/**
 * The validity screen, from structure alone: the layer belongs to the search space (no live batch
 * aggregate in the batch-independent space), its output depends on its input, and not only through
 * batch statistics (which would give every sample the same output: such a layer can only score at
 * chance, and used to cost a full quality protocol to find out). Shape is preserved by construction
 * (every primitive maps the input shape to itself).
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
        if (!graph.variesPerSample()) {
            return Optional.of("output is the same for every sample (x reaches it only through batch statistics)");
        }
        return Optional.empty();
    }
}

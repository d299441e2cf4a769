package dev.evonorm.search;

import dev.evonorm.graph.LayerGraph;

/**
 * A candidate the search wants evaluated. {@code id} is its place in the run (1, 2, …); it also
 * seeds everything random about proposing it, which is what makes a resumed run continue exactly.
 * {@code parentId} is 0 for random candidates.
 */
public record Proposal(long id, Origin origin, long parentId, LayerGraph graph, String structuralHash) {
}

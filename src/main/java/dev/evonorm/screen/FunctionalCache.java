package dev.evonorm.screen;

import java.util.OptionalLong;

/**
 * Remembers which candidate first computed each function (by functional hash), so that layers
 * computing the same function share one evaluation. The run database implements it, so the cache
 * survives restarts.
 */
public interface FunctionalCache {

    /**
     * Returns the id of an earlier candidate with this functional hash, or records
     * {@code candidateId} as the first one and returns empty.
     */
    OptionalLong claim(String functionalHash, long candidateId);
}

package dev.evonorm.search;

import dev.evonorm.graph.SearchSpace;

/**
 * The search policy. Population and tournament sizes are project defaults (the paper's values are
 * not known here): small enough that the population fills within minutes on a 2-core machine.
 *
 * @param maxConsecutiveDuplicates stop when this many proposals in a row repeat known structures
 *     (the reachable space is exhausted)
 */
public record SearchConfig(SearchStrategy strategy, SearchSpace space, Selection selection, int populationSize,
                           int tournamentSize, Budget budget, long seed, int maxConsecutiveDuplicates) {

    public static final int DEFAULT_POPULATION = 16;
    public static final int DEFAULT_TOURNAMENT = 4;

    public SearchConfig {
        if (populationSize < 2) {
            throw new IllegalArgumentException("--population must be at least 2, got " + populationSize);
        }
        if (tournamentSize < 1 || tournamentSize > populationSize) {
            throw new IllegalArgumentException("--tournament must be between 1 and the population size ("
                    + populationSize + "), got " + tournamentSize);
        }
        if (maxConsecutiveDuplicates < 1) {
            throw new IllegalArgumentException("maxConsecutiveDuplicates must be positive");
        }
    }

    public static SearchConfig defaults(Budget budget, long seed) {
        return new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO,
                DEFAULT_POPULATION, DEFAULT_TOURNAMENT, budget, seed, 10_000);
    }
}

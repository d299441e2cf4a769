package dev.evonorm.search;

import dev.evonorm.graph.Formula;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.SearchSpace;
import java.util.List;

/**
 * The search policy. Population and tournament sizes are project defaults (the paper's values are
 * not known here): small enough that the population fills within minutes on a 2-core machine.
 *
 * @param maxConsecutiveDuplicates stop when this many proposals in a row repeat known structures
 *     (the reachable space is exhausted)
 * @param startingLayers layers evolution proposes first (candidates 1…n), through the same screens
 *     as any other, before it fills the rest of the population with random layers; empty for the
 *     paper's purely random start
 * @param evolveFrom how many members the population needs before evolution proposes mutants; the
 *     population size (the paper's rule: fill it with random layers first) unless set lower, in
 *     which case the population fills with mutants of its first members (tournaments then draw
 *     from all members while there are fewer than the tournament size; a mutant already known
 *     gives way to a random layer until the population is full)
 * @param dedupe which proposals count as known and are recorded as duplicates without evaluation
 */
public record SearchConfig(SearchStrategy strategy, SearchSpace space, Selection selection, int populationSize,
                           int tournamentSize, Budget budget, long seed, int maxConsecutiveDuplicates,
                           List<LayerGraph> startingLayers, int evolveFrom, Dedupe dedupe) {

    /*
     * 8 and 3 rather than 16 and 4 since 2026-12-02: with the quality protocol on every architecture
     * (the default since then too) a population of 16 takes most of a 2-hour budget to fill on two
     * cores; two search seeds each found a better layer with 8 / 3 / all than with 16 / 4 / first
     * (docs/benchmarks.md).
     */
    public static final int DEFAULT_POPULATION = 8;
    public static final int DEFAULT_TOURNAMENT = 3;

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
        if (evolveFrom < 1 || evolveFrom > populationSize) {
            throw new IllegalArgumentException("--evolve-from must be between 1 and the population size ("
                    + populationSize + "), got " + evolveFrom + "; 'full' waits for a full population, as in the paper");
        }
        java.util.Objects.requireNonNull(dedupe, "dedupe");
        startingLayers = List.copyOf(startingLayers);
        if (!startingLayers.isEmpty() && strategy != SearchStrategy.EVOLUTION) {
            throw new IllegalArgumentException("starting layers (--start-from) apply to evolution only; random search (RS + rej) "
                    + "draws every candidate at random, so drop them or use --strategy evolution");
        }
        for (int i = 0; i < startingLayers.size(); i++) {
            LayerGraph g = startingLayers.get(i);
            if (!g.fitsIn(space)) {
                throw new IllegalArgumentException("starting layer " + (i + 1) + " (" + Formula.unicode(g) + ") uses batch statistics, "
                        + "which the " + space.token() + " space excludes; drop it or search the batch space");
            }
        }
    }

    /** Deduplication by structure, as every run before --dedupe existed. */
    public SearchConfig(SearchStrategy strategy, SearchSpace space, Selection selection, int populationSize,
                        int tournamentSize, Budget budget, long seed, int maxConsecutiveDuplicates,
                        List<LayerGraph> startingLayers, int evolveFrom) {
        this(strategy, space, selection, populationSize, tournamentSize, budget, seed, maxConsecutiveDuplicates,
                startingLayers, evolveFrom, Dedupe.STRUCTURE);
    }

    /** Evolution that starts once the population is full, as in the paper. */
    public SearchConfig(SearchStrategy strategy, SearchSpace space, Selection selection, int populationSize,
                        int tournamentSize, Budget budget, long seed, int maxConsecutiveDuplicates,
                        List<LayerGraph> startingLayers) {
        this(strategy, space, selection, populationSize, tournamentSize, budget, seed, maxConsecutiveDuplicates,
                startingLayers, populationSize);
    }

    /** A configuration that starts from random layers only, as in the paper. */
    public SearchConfig(SearchStrategy strategy, SearchSpace space, Selection selection, int populationSize,
                        int tournamentSize, Budget budget, long seed, int maxConsecutiveDuplicates) {
        this(strategy, space, selection, populationSize, tournamentSize, budget, seed, maxConsecutiveDuplicates, List.of());
    }

    public static SearchConfig defaults(Budget budget, long seed) {
        return new SearchConfig(SearchStrategy.EVOLUTION, SearchSpace.BATCH_DEPENDENT, Selection.PARETO,
                DEFAULT_POPULATION, DEFAULT_TOURNAMENT, budget, seed, 10_000);
    }
}

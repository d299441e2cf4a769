package dev.evonorm.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The population of regularized evolution: a queue of fixed capacity where a new member pushes out
 * the oldest, whatever its fitness. Aging keeps the search from clinging to a lucky early score.
 */
public final class AgingPopulation<T> {
    private final int capacity;
    private final Deque<T> members = new ArrayDeque<>();

    public AgingPopulation(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("population size must be at least 2, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds the newest member; returns the oldest one if it had to leave. */
    public Optional<T> add(T member) {
        members.addLast(member);
        return members.size() > capacity ? Optional.of(members.removeFirst()) : Optional.empty();
    }

    public boolean isFull() {
        return members.size() >= capacity;
    }

    public int size() {
        return members.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Members from oldest to newest. */
    public List<T> members() {
        return List.copyOf(members);
    }

    /** {@code k} distinct members drawn uniformly (a partial Fisher-Yates shuffle). */
    public List<T> sample(int k, RandomGenerator rng) {
        if (k > members.size()) {
            throw new IllegalArgumentException("tournament of " + k + " from a population of " + members.size());
        }
        List<T> pool = new ArrayList<>(members);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(pool.size() - i);
            T t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return List.copyOf(pool.subList(0, k));
    }
}

package dev.evonorm.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded index permutations; every random choice of examples goes through here. */
final class SeededIndices {
    private SeededIndices() {
    }

    /** 0..n-1 in an order fixed by {@code seed} (Fisher–Yates). */
    static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }

    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** Elements [from, to) of {@code order}, ascending, so a split keeps the file's order. */
    static int[] sortedRange(int[] order, int from, int to) {
        int[] part = Arrays.copyOfRange(order, from, to);
        Arrays.sort(part);
        return part;
    }

    /**
     * An independent stream for one purpose, so e.g. changing the subset size cannot change the
     * validation split drawn from the same seed.
     */
    static SplittableRandom stream(long seed, long purpose) {
        return new SplittableRandom(seed ^ (purpose * 0x9E3779B97F4A7C15L));
    }
}

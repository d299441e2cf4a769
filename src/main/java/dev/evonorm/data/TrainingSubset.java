package dev.evonorm.data;

/**
 * Optionally trains on only part of the training split, because the proxy task may be kept
 * small for speed. {@code size == 0} means all of it.
 *
 * @param random take a seeded random sample (true) or the first {@code size} examples (false)
 */
public record TrainingSubset(int size, boolean random) {
    public static final TrainingSubset ALL = new TrainingSubset(0, false);

    public TrainingSubset {
        if (size < 0) {
            throw new DataException("training subset size " + size + " is negative; use 0 for all examples");
        }
    }

    public static TrainingSubset first(int size) {
        return new TrainingSubset(requirePositive(size), false);
    }

    public static TrainingSubset random(int size) {
        return new TrainingSubset(requirePositive(size), true);
    }

    public boolean isAll() {
        return size == 0;
    }

    private static int requirePositive(int size) {
        if (size <= 0) {
            throw new DataException("training subset size " + size + " must be at least 1");
        }
        return size;
    }
}

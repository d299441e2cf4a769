package dev.evonorm.data;

/**
 * How many training examples are held out for validation (the search's fitness), either as a
 * fraction of the training set or as a fixed count. The official test set is never used here.
 */
public record ValidationSplit(double fraction, int count) {
    /** 10% of the training set: 6 000 for Fashion-MNIST, 5 000 for CIFAR-10. */
    public static final ValidationSplit DEFAULT = ofFraction(0.1);

    public static ValidationSplit ofFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new DataException("validation fraction " + fraction + " must be between 0 and 1 (exclusive)");
        }
        return new ValidationSplit(fraction, 0);
    }

    public static ValidationSplit ofCount(int count) {
        if (count <= 0) {
            throw new DataException("validation size " + count + " must be at least 1");
        }
        return new ValidationSplit(0, count);
    }

    /** The number of held-out examples for a training set of {@code trainingCount}. */
    public int sizeFor(int trainingCount) {
        int size = count > 0 ? count : (int) Math.round(fraction * trainingCount);
        if (size < 1 || size >= trainingCount) {
            throw new DataException("validation size " + size + " leaves no training data out of " + trainingCount
                    + " examples; choose a smaller validation split");
        }
        return size;
    }
}

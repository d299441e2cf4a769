package dev.evonorm.search;

/** Anything with one accuracy per search architecture, in a fixed architecture order. */
public interface Scored {
    double[] accuracies();

    default double meanAccuracy() {
        double[] a = accuracies();
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        return a.length == 0 ? Double.NaN : sum / a.length;
    }

    /** True when this is at least as good on every architecture and strictly better on one. */
    default boolean dominates(Scored other) {
        double[] a = accuracies();
        double[] b = other.accuracies();
        boolean strictly = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] < b[k]) {
                return false;
            }
            strictly |= a[k] > b[k];
        }
        return strictly;
    }
}

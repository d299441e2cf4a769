package dev.evonorm.screen;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * How alike the samples of a batch are, from the Gram matrix of their flattened activations, each
 * sample scaled to unit length ("Beyond BatchNorm", §4 of REFERENCE.md): the mean cosine similarity
 * between two different samples, and the stable rank trace(G)/λ_max(G) — N when the samples are
 * orthogonal, 1 when they all point the same way.
 *
 * @param cosine mean of the off-diagonal entries of G; NaN when a sample is all zeros or not finite
 * @param stableRank trace over largest eigenvalue; NaN in the same cases
 */
public record GramGeometry(double cosine, double stableRank) {

    /** The geometry of {@code samples} rows of {@code values} (row-major, equal lengths). */
    public static GramGeometry of(float[] values, int samples) {
        if (samples < 2 || values.length % samples != 0) {
            throw new IllegalArgumentException("need at least two samples of equal length, got " + values.length
                    + " values for " + samples + " samples");
        }
        int length = values.length / samples;
        double[][] unit = new double[samples][length];
        for (int n = 0; n < samples; n++) {
            double squares = 0;
            for (int i = 0; i < length; i++) {
                double v = values[n * length + i];
                unit[n][i] = v;
                squares += v * v;
            }
            double norm = Math.sqrt(squares);
            if (!(norm > 0) || !Double.isFinite(norm)) {
                return new GramGeometry(Double.NaN, Double.NaN);
            }
            for (int i = 0; i < length; i++) {
                unit[n][i] /= norm;
            }
        }
        double[][] gram = new double[samples][samples];
        double offDiagonal = 0;
        double trace = 0;
        for (int a = 0; a < samples; a++) {
            for (int b = a; b < samples; b++) {
                double dot = 0;
                for (int i = 0; i < length; i++) {
                    dot += unit[a][i] * unit[b][i];
                }
                gram[a][b] = dot;
                gram[b][a] = dot;
                if (a == b) {
                    trace += dot;
                } else {
                    offDiagonal += 2 * dot;
                }
            }
        }
        double largest = largestEigenvalue(gram);
        return new GramGeometry(offDiagonal / ((double) samples * (samples - 1)), trace / largest);
    }

    /**
     * λ_max of a symmetric positive semi-definite matrix, as its largest singular value (equal for
     * such a matrix). Not through commons-math's EigenDecomposition: it gave up ("convergence
     * failed") on the Gram matrix of a real layer whose samples were nearly parallel (cosine ≈ 0.99).
     */
    static double largestEigenvalue(double[][] symmetric) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(symmetric, false)).getSingularValues()[0];
    }
}

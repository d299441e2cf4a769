package dev.evonorm.screen;

/**
 * What one norm-act site of a freshly initialized network sees on one mini-batch (the measures of
 * "Beyond BatchNorm", REFERENCE.md §4), taken at the site's input Z: the convolution output in a
 * plain network, the residual stream or the convolution output in a pre-activation ResNet.
 *
 * @param index the site's place in the forward pass, from 1
 * @param site where the architecture put it ({@code stage2.block1.preNormAct}), or {@code site K}
 * @param inputVariance mean over channels of Var_{n,h,w}(Z[:,c])
 * @param outputVariance the same of the layer's output
 * @param cosine mean cosine similarity between two different samples of Z (flattened)
 * @param stableRank trace / largest eigenvalue of the Gram matrix of the unit-length samples of Z
 * @param gradientNorm ‖∂L/∂Z‖_F, L the batch's mean cross-entropy
 */
public record SiteMeasures(int index, String site, int channels, double inputVariance, double outputVariance,
                           double cosine, double stableRank, double gradientNorm) {

    /** Mean over channels of the variance over (n, h, w) of an NCHW tensor, in double precision. */
    static double meanChannelVariance(float[] values, int samples, int channels) {
        int plane = values.length / (samples * channels);
        double sum = 0;
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int n = 0; n < samples; n++) {
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) {
                    mean += values[base + i];
                }
            }
            mean /= (double) samples * plane;
            double squares = 0;
            for (int n = 0; n < samples; n++) {
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) {
                    double d = values[base + i] - mean;
                    squares += d * d;
                }
            }
            sum += squares / ((double) samples * plane);
        }
        return sum / channels;
    }

    static double norm(float[] values) {
        double squares = 0;
        for (float v : values) {
            squares += (double) v * v;
        }
        return Math.sqrt(squares);
    }
}

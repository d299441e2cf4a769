package dev.evonorm.data;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of a dataset's pixels. Computed on the training split
 * only and then applied to every split, so validation and test data leak nothing into training.
 */
public record ChannelStatistics(float[] mean, float[] std) {
    /** Below this a channel is treated as constant and only centred, to avoid dividing by ~0. */
    private static final double MIN_STD = 1e-6;

    public ChannelStatistics {
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Statistics over all pixels of every image, accumulated in double for accuracy. */
    public static ChannelStatistics of(ImageDataset data) {
        int channels = data.channels();
        int plane = data.height() * data.width();
        double[] sum = new double[channels];
        double[] sumOfSquares = new double[channels];
        float[] pixels = data.pixelArray();
        for (int n = 0; n < data.count(); n++) {
            for (int c = 0; c < channels; c++) {
                int start = (n * channels + c) * plane;
                double s = 0;
                double s2 = 0;
                for (int i = start; i < start + plane; i++) {
                    double p = pixels[i];
                    s += p;
                    s2 += p * p;
                }
                sum[c] += s;
                sumOfSquares[c] += s2;
            }
        }
        double perChannel = (double) data.count() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / perChannel;
            double variance = Math.max(0, sumOfSquares[c] / perChannel - m * m);
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(variance);
        }
        return new ChannelStatistics(mean, std);
    }

    /** {@code data} with each channel shifted by this mean and scaled by 1/std. */
    public ImageDataset normalize(ImageDataset data) {
        if (data.channels() != mean.length) {
            throw new IllegalArgumentException("statistics for " + mean.length + " channels, data has "
                    + data.channels());
        }
        float[] scale = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            scale[c] = std[c] < MIN_STD ? 1f : 1f / std[c];
        }
        return data.affinePerChannel(mean, scale, data.name());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChannelStatistics that && Arrays.equals(mean, that.mean) && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStatistics[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}

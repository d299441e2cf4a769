package dev.evonorm.data;

/**
 * Downscales images by area averaging: each output pixel is the mean of the input area it
 * covers, with partial pixels weighted by overlap (as OpenCV's INTER_AREA). For whole factors
 * such as 28→14 or 32→16 that is the plain mean of each 2×2 block. Done once at load time, so the
 * proxy trains on smaller images at no per-step cost.
 */
public final class AreaResize {
    private AreaResize() {
    }

    public static ImageDataset resize(ImageDataset source, int newHeight, int newWidth) {
        if (newHeight == source.height() && newWidth == source.width()) {
            return source;
        }
        if (newHeight <= 0 || newWidth <= 0 || newHeight > source.height() || newWidth > source.width()) {
            throw new DataException("resize to " + newHeight + "x" + newWidth + " is impossible for "
                    + source.height() + "x" + source.width() + " images; choose a size between 1 and the original");
        }
        float[][] rowWeights = overlapWeights(source.height(), newHeight);
        float[][] columnWeights = overlapWeights(source.width(), newWidth);
        int inPlane = source.height() * source.width();
        int outPlane = newHeight * newWidth;
        int planes = source.count() * source.channels();
        float[] in = source.pixelArray();
        float[] out = new float[planes * outPlane];
        for (int p = 0; p < planes; p++) {
            resizePlane(in, p * inPlane, source.height(), source.width(), rowWeights, columnWeights, out, p * outPlane);
        }
        int[] labels = source.labelArray().clone();
        return new ImageDataset(source.name(), out, labels, source.channels(), newHeight, newWidth, source.classes());
    }

    /**
     * One plane of {@code inHeight × inWidth} values at {@code inOffset} to {@code rowWeights.length ×
     * columnWeights.length} at {@code outOffset}; separable: first along rows of each column, then
     * along columns. Weights from {@link #overlapWeights}, which also serve enlargements.
     */
    static void resizePlane(float[] in, int inOffset, int inHeight, int inWidth, float[][] rowWeights,
                            float[][] columnWeights, float[] out, int outOffset) {
        int newHeight = rowWeights.length;
        int newWidth = columnWeights.length;
        float[] rowsDone = new float[newHeight * inWidth];
        for (int oy = 0; oy < newHeight; oy++) {
            float[] weights = rowWeights[oy];
            for (int y = 0; y < inHeight; y++) {
                float w = weights[y];
                if (w == 0f) {
                    continue;
                }
                int inRow = inOffset + y * inWidth;
                int outRow = oy * inWidth;
                for (int x = 0; x < inWidth; x++) {
                    rowsDone[outRow + x] += w * in[inRow + x];
                }
            }
        }
        for (int oy = 0; oy < newHeight; oy++) {
            for (int ox = 0; ox < newWidth; ox++) {
                float[] weights = columnWeights[ox];
                float sum = 0f;
                for (int x = 0; x < inWidth; x++) {
                    sum += weights[x] * rowsDone[oy * inWidth + x];
                }
                out[outOffset + oy * newWidth + ox] = sum;
            }
        }
    }

    /**
     * weights[o][i]: the share of input cell i in output cell o. Output cell o covers input
     * interval [o·s, (o+1)·s) with s = in/out; each weight row sums to 1.
     */
    static float[][] overlapWeights(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        float[][] weights = new float[outSize][inSize];
        for (int o = 0; o < outSize; o++) {
            double start = o * scale;
            double end = (o + 1) * scale;
            for (int i = (int) Math.floor(start); i < Math.min(inSize, (int) Math.ceil(end)); i++) {
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                if (overlap > 0) {
                    weights[o][i] = (float) (overlap / scale);
                }
            }
        }
        return weights;
    }
}

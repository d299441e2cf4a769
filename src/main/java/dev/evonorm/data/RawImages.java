package dev.evonorm.data;

import java.util.Arrays;

/**
 * Images and labels exactly as a file stores them: one unsigned byte per pixel, laid out NCHW.
 * Kept as bytes until the pipeline decides on resizing and normalization, which is 4× smaller
 * than floats while files are being read and concatenated.
 */
public final class RawImages {
    private final byte[] pixels;
    private final byte[] labels;
    private final int channels;
    private final int height;
    private final int width;

    /** Takes ownership of both arrays; callers must not change them afterwards. */
    public RawImages(byte[] pixels, byte[] labels, int channels, int height, int width) {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " does not match "
                    + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public int count() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int imageSize() {
        return channels * height * width;
    }

    /** Label of image {@code index}, 0..255. */
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    /** Pixel value 0..255 at a flat NCHW offset. */
    public int pixelAt(long offset) {
        return pixels[Math.toIntExact(offset)] & 0xFF;
    }

    byte[] pixelBytes() {
        return pixels;
    }

    byte[] labelBytes() {
        return labels;
    }

    /** Joins several parts (e.g. CIFAR-10's five training batches) in order. */
    static RawImages concat(java.util.List<RawImages> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        RawImages first = parts.get(0);
        long totalImages = 0;
        for (RawImages part : parts) {
            if (part.channels != first.channels || part.height != first.height || part.width != first.width) {
                throw new IllegalArgumentException("parts have different image shapes");
            }
            totalImages += part.count();
        }
        byte[] pixels = new byte[Math.toIntExact(totalImages * first.imageSize())];
        byte[] labels = new byte[Math.toIntExact(totalImages)];
        int pixelOffset = 0;
        int labelOffset = 0;
        for (RawImages part : parts) {
            System.arraycopy(part.pixels, 0, pixels, pixelOffset, part.pixels.length);
            System.arraycopy(part.labels, 0, labels, labelOffset, part.labels.length);
            pixelOffset += part.pixels.length;
            labelOffset += part.labels.length;
        }
        return new RawImages(pixels, labels, first.channels, first.height, first.width);
    }

    @Override
    public String toString() {
        return "RawImages[" + count() + "x" + channels + "x" + height + "x" + width + ", labels "
                + Arrays.toString(Arrays.copyOf(labels, Math.min(5, labels.length))) + "...]";
    }
}

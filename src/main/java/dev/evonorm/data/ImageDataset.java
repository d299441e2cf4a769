package dev.evonorm.data;

/**
 * An immutable in-memory split: float pixels in NCHW order (in [0,1], or normalized per channel)
 * and int labels. Every transformation returns a new dataset; the arrays are never exposed for
 * writing, so one dataset can be shared by several samplers and threads.
 */
public final class ImageDataset {
    private final String name;
    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;

    /** Takes ownership of the arrays: package code hands over fresh arrays and never keeps them. */
    ImageDataset(String name, float[] pixels, int[] labels, int channels, int height, int width, int classes) {
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixels do not make " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(name + ": label " + label + " outside 0.." + (classes - 1));
            }
        }
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
    }

    /** A public constructor that copies, for callers outside the package (tests, tools). */
    public static ImageDataset of(String name, float[] pixels, int[] labels, int channels, int height, int width,
                                  int classes) {
        return new ImageDataset(name, pixels.clone(), labels.clone(), channels, height, width, classes);
    }

    /** Bytes 0..255 become floats 0..1. */
    public static ImageDataset fromRaw(String name, RawImages raw, int classes) {
        byte[] bytes = raw.pixelBytes();
        float[] pixels = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            pixels[i] = (bytes[i] & 0xFF) / 255f;
        }
        int[] labels = new int[raw.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = raw.label(i);
        }
        return new ImageDataset(name, pixels, labels, raw.channels(), raw.height(), raw.width(), classes);
    }

    public String name() {
        return name;
    }

    /**
     * A checksum of the images, labels and shape, so that two machines can tell whether they hold
     * the same split (down to the float bits) without sending it.
     */
    public String fingerprint() {
        java.util.zip.CRC32C pixelSum = new java.util.zip.CRC32C();
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(4 * 8192);
        for (int i = 0; i < pixels.length; i += 8192) {
            chunk.clear();
            chunk.asFloatBuffer().put(pixels, i, Math.min(8192, pixels.length - i));
            chunk.limit(4 * Math.min(8192, pixels.length - i));
            pixelSum.update(chunk);
        }
        java.util.zip.CRC32C labelSum = new java.util.zip.CRC32C();
        for (int label : labels) {
            labelSum.update(label);
        }
        return String.format(java.util.Locale.ROOT, "%dx%dx%dx%d-%08x-%08x", labels.length, channels, height, width,
                pixelSum.getValue(), labelSum.getValue());
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

    public int classes() {
        return classes;
    }

    public int imageSize() {
        return channels * height * width;
    }

    public int label(int index) {
        return labels[index];
    }

    public float pixel(int index, int channel, int y, int x) {
        return pixels[index * imageSize() + (channel * height + y) * width + x];
    }

    /** Copies image {@code index} (C·H·W floats) into {@code destination} at {@code offset}. */
    public void copyImage(int index, float[] destination, int offset) {
        System.arraycopy(pixels, index * imageSize(), destination, offset, imageSize());
    }

    /** Number of examples per label, indexed by label. */
    public int[] labelHistogram() {
        int[] histogram = new int[classes];
        for (int label : labels) {
            histogram[label]++;
        }
        return histogram;
    }

    /** A new dataset holding the examples at {@code indices}, in that order. */
    public ImageDataset select(int[] indices, String newName) {
        int size = imageSize();
        float[] chosenPixels = new float[indices.length * size];
        int[] chosenLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * size, chosenPixels, i * size, size);
            chosenLabels[i] = labels[indices[i]];
        }
        return new ImageDataset(newName, chosenPixels, chosenLabels, channels, height, width, classes);
    }

    /** The same images with each pixel mapped as {@code (p - shift[c]) * scale[c]}. */
    ImageDataset affinePerChannel(float[] shift, float[] scale, String newName) {
        float[] mapped = new float[pixels.length];
        int plane = height * width;
        for (int n = 0; n < count(); n++) {
            for (int c = 0; c < channels; c++) {
                int start = (n * channels + c) * plane;
                for (int i = start; i < start + plane; i++) {
                    mapped[i] = (pixels[i] - shift[c]) * scale[c];
                }
            }
        }
        return new ImageDataset(newName, mapped, labels.clone(), channels, height, width, classes);
    }

    /** Read access for package code that walks all pixels (statistics, resizing). */
    float[] pixelArray() {
        return pixels;
    }

    int[] labelArray() {
        return labels;
    }

    @Override
    public String toString() {
        return name + "[" + count() + "x" + channels + "x" + height + "x" + width + ", " + classes + " classes]";
    }
}

package dev.evonorm.data;

/**
 * Training-time augmentation: a random crop after zero padding, and a random horizontal flip.
 *
 * @param cropPadding pixels of zero padding on each side before cropping back to the original
 *     size; 0 turns cropping off
 * @param horizontalFlip whether each image is mirrored left-right with probability 1/2
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {
    /** No augmentation: training images are used as they are (Fashion-MNIST's default). */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The usual CIFAR-10 recipe: pad 4, random 32×32 crop, random flip. */
    public static final Augmentation CROP_AND_FLIP = new Augmentation(4, true);

    public Augmentation {
        if (cropPadding < 0) {
            throw new DataException("augmentation crop padding " + cropPadding + " is negative; use 0 (off) or more");
        }
    }

    /** The dataset's own augmentation ({@link #parse} gives empty for it). */
    public static final String DEFAULT_TOKEN = "default";

    /**
     * Reads {@code none}, {@code flip}, {@code crop:P} or {@code crop:P+flip} (P pixels of padding
     * at the size the networks are trained at); {@code default} is empty: the dataset's own.
     */
    public static java.util.Optional<Augmentation> parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals(DEFAULT_TOKEN)) {
            return java.util.Optional.empty();
        }
        boolean flip = false;
        int padding = 0;
        for (String part : t.split("\\+")) {
            if (part.equals("flip") && !flip) {
                flip = true;
            } else if (part.matches("crop:[0-9]{1,3}") && padding == 0) {
                padding = Integer.parseInt(part.substring("crop:".length()));
            } else if (!(part.equals("none") && t.equals("none"))) {
                throw new DataException("--augment '" + text + "' is not one of default, none, flip, crop:P, crop:P+flip"
                        + " (P = pixels of padding before the random crop, e.g. crop:4+flip)");
            }
        }
        return java.util.Optional.of(new Augmentation(padding, flip));
    }

    /** The form {@link #parse} reads back. */
    public String token() {
        if (isNone()) {
            return "none";
        }
        String crop = cropPadding > 0 ? "crop:" + cropPadding : "";
        return horizontalFlip ? (crop.isEmpty() ? "flip" : crop + "+flip") : crop;
    }

    public boolean isNone() {
        return cropPadding == 0 && !horizontalFlip;
    }

    /** The same crop scaled to a resized image, so that a 32→16 downscale keeps the crop's share. */
    public Augmentation scaledTo(int originalSide, int newSide) {
        if (cropPadding == 0 || originalSide == newSide) {
            return this;
        }
        int scaled = Math.max(1, Math.round((float) cropPadding * newSide / originalSide));
        return new Augmentation(scaled, horizontalFlip);
    }
}

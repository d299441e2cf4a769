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

package dev.evonorm.data;

import java.util.Optional;

/**
 * A dataset ready for the proxy: the training split (possibly a subset), the validation split
 * held out from the official training set (fitness is measured here), and the official test set
 * (reported, never used for fitness).
 *
 * @param normalization the statistics applied to all three splits, computed on {@code train}'s
 *     source (the training set minus validation) only
 * @param augmentation what the training sampler should apply (already scaled to a resized image)
 */
public record DataSplits(
        DatasetSpec spec,
        ImageDataset train,
        ImageDataset validation,
        ImageDataset test,
        Optional<ChannelStatistics> normalization,
        Augmentation augmentation) {

    /** Fingerprints of the splits that decide fitness (training and validation), as one string. */
    public String fingerprint() {
        return "train " + train.fingerprint() + ", validation " + validation.fingerprint();
    }
}

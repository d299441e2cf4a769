package dev.evonorm.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything that decides which examples the proxy sees and how they look; a run's data is
 * reproducible from this record.
 *
 * @param dataset registry name, e.g. {@code fashion-mnist} or {@code cifar10}
 * @param dataFolder the {@code --data} folder, if given
 * @param resizeTo square side to downscale to at load time (area averaging); empty keeps the size
 * @param normalize standardise each channel with statistics of the training split
 * @param augmentation overrides the dataset's default augmentation when present
 * @param seed drives the validation split, the random subset and (by the samplers) shuffling
 */
public record DataConfig(
        String dataset,
        Optional<Path> dataFolder,
        ValidationSplit validation,
        TrainingSubset trainingSubset,
        Optional<Integer> resizeTo,
        boolean normalize,
        Optional<Augmentation> augmentation,
        long seed) {

    /** Full-size, normalized, 10% validation, the dataset's own augmentation, seed 0. */
    public static DataConfig defaults(String dataset) {
        return new DataConfig(dataset, Optional.empty(), ValidationSplit.DEFAULT, TrainingSubset.ALL,
                Optional.empty(), true, Optional.empty(), 0L);
    }

    public DataConfig withDataFolder(Path folder) {
        return new DataConfig(dataset, Optional.of(folder), validation, trainingSubset, resizeTo, normalize,
                augmentation, seed);
    }

    public DataConfig withValidation(ValidationSplit split) {
        return new DataConfig(dataset, dataFolder, split, trainingSubset, resizeTo, normalize, augmentation, seed);
    }

    public DataConfig withTrainingSubset(TrainingSubset subset) {
        return new DataConfig(dataset, dataFolder, validation, subset, resizeTo, normalize, augmentation, seed);
    }

    public DataConfig withResizeTo(int side) {
        return new DataConfig(dataset, dataFolder, validation, trainingSubset, Optional.of(side), normalize,
                augmentation, seed);
    }

    public DataConfig withNormalize(boolean on) {
        return new DataConfig(dataset, dataFolder, validation, trainingSubset, resizeTo, on, augmentation, seed);
    }

    public DataConfig withAugmentation(Augmentation chosen) {
        return new DataConfig(dataset, dataFolder, validation, trainingSubset, resizeTo, normalize,
                Optional.of(chosen), seed);
    }

    public DataConfig withSeed(long newSeed) {
        return new DataConfig(dataset, dataFolder, validation, trainingSubset, resizeTo, normalize, augmentation,
                newSeed);
    }
}

package dev.evonorm.cli;

import dev.evonorm.data.Augmentation;
import dev.evonorm.data.DataConfig;
import dev.evonorm.data.DatasetRegistry;
import dev.evonorm.data.TrainingSubset;
import dev.evonorm.data.ValidationSplit;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which dataset, where its files are, and how it is split and scaled. */
final class DataOptions {
    @Option(names = "--dataset", defaultValue = DatasetRegistry.DEFAULT,
            description = "Dataset: fashion-mnist (default), cifar10, or image-folder: your own images,"
                    + " --data DIR holding train/<class>/… and optionally test/<class>/… (PNG, JPEG, BMP, GIF).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder holding the dataset files (else $EVONORM_DATA, Debian's /usr/share/datasets, ~/.cache/evonorm, download).")
    Path folder;

    @Option(names = "--validation", defaultValue = "0.1", paramLabel = "N|FRACTION",
            description = "Validation split held out from the training set: a count (6000) or a fraction (default: ${DEFAULT-VALUE}).")
    String validation;

    @Option(names = "--train-subset", paramLabel = "N", description = "Train on a random subset of N examples of the training split.")
    Integer subset;

    @Option(names = "--resize", paramLabel = "SIDE", description = "Scale images to SIDE×SIDE (area averaging) when loading: a downscale for fashion-mnist and"
                    + " cifar10; for image-folder any size, and needed when its images differ in size or are not square.")
    Integer resize;

    @Option(names = "--augment", defaultValue = Augmentation.DEFAULT_TOKEN, paramLabel = "none|flip|crop:P|crop:P+flip",
            description = "Training augmentation: random horizontal flip, random crop after P pixels of zero padding,"
                    + " or both (default: the dataset's own, crop:4+flip for cifar10, none otherwise).")
    String augment;

    @Option(names = "--data-seed", defaultValue = "0", description = "Seed of the validation split and subset (default: ${DEFAULT-VALUE}).")
    long seed;

    DataConfig toConfig() {
        DatasetRegistry.requireKnown(dataset);
        DataConfig c = DataConfig.defaults(dataset).withSeed(seed).withValidation(parseValidation());
        if (folder != null) {
            c = c.withDataFolder(folder);
        }
        if (subset != null) {
            c = c.withTrainingSubset(TrainingSubset.random(subset));
        }
        if (resize != null) {
            c = c.withResizeTo(resize);
        }
        Optional<Augmentation> augmentation = Augmentation.parse(augment);
        if (augmentation.isPresent()) {
            c = c.withAugmentation(augmentation.get());
        }
        return c;
    }

    private ValidationSplit parseValidation() {
        try {
            if (validation.contains(".")) {
                return ValidationSplit.ofFraction(Double.parseDouble(validation));
            }
            return ValidationSplit.ofCount(Integer.parseInt(validation));
        } catch (NumberFormatException e) {
            throw new UserInputException("--validation '" + validation + "' is not a count or a fraction; use e.g. 6000 or 0.1");
        }
    }

    Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }
}

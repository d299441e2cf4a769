package dev.evonorm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link DataConfig} into {@link DataSplits}: locate (or download) and read the files,
 * convert to floats, downscale, hold out validation, take the training subset, normalize with
 * training statistics. Everything is done once here, so sampling batches is only copying.
 */
public final class DatasetLoader {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);
    private static final long VALIDATION_STREAM = 1;
    private static final long SUBSET_STREAM = 2;

    private final DataLocator locator;

    public DatasetLoader(DataLocator locator) {
        this.locator = locator;
    }

    public static DatasetLoader system() {
        return new DatasetLoader(DataLocator.system());
    }

    public DataSplits load(DataConfig config) {
        if (config.dataset().equals(DatasetRegistry.IMAGE_FOLDER)) {
            return loadImageFolder(config);
        }
        DatasetSpec spec = DatasetRegistry.byName(config.dataset());
        return load(spec, config);
    }

    /**
     * A user's own images: only ever from the folder named with {@code --data} (there is nothing to
     * look up or download), read at the {@code --resize} side when one is given, because such
     * images need not share a size.
     */
    private static DataSplits loadImageFolder(DataConfig config) {
        long start = System.nanoTime();
        Path folder = config.dataFolder().orElseThrow(() -> new DataException("--dataset "
                + DatasetRegistry.IMAGE_FOLDER + " reads your own images: pass --data DIR, the folder holding"
                + " train/<class>/… (and optionally test/<class>/…)"));
        if (!Files.isDirectory(folder)) {
            throw new DataException("--data " + folder + ": no such folder; point it at the folder holding"
                    + " train/<class>/… (and optionally test/<class>/…)");
        }
        List<String> classes = ImageFolderFiles.classes(folder);
        TrainTestImages images = ImageFolderFiles.read(folder, classes, config.resizeTo());
        DatasetSpec spec = ImageFolderFiles.spec(folder, classes.size(), images);
        DataSplits splits = prepare(spec, images, config);
        LOG.info("{}: {} classes, {} train / {} validation / {} test images of {}x{}x{} from {} in {} ms",
                spec.name(), spec.classes(), splits.train().count(), splits.validation().count(),
                splits.test().count(), spec.channels(), spec.height(), spec.width(), folder,
                (System.nanoTime() - start) / 1_000_000);
        return splits;
    }

    /** Loads {@code spec} (which may differ from the registry's, e.g. in its download location). */
    public DataSplits load(DatasetSpec spec, DataConfig config) {
        long start = System.nanoTime();
        DataLocator.Located located = locator.locate(spec, config.dataFolder());
        TrainTestImages images = spec.reader().apply(located.folder());
        DataSplits splits = prepare(spec, images, config);
        LOG.info("{}: {} train / {} validation / {} test from {} ({}) in {} ms", spec.name(),
                splits.train().count(), splits.validation().count(), splits.test().count(), located.folder(),
                located.source(), (System.nanoTime() - start) / 1_000_000);
        return splits;
    }

    /** The in-memory part of loading, separate so it can be tested on generated images. */
    public static DataSplits prepare(DatasetSpec spec, TrainTestImages images, DataConfig config) {
        ImageDataset officialTrain = resized(ImageDataset.fromRaw(spec.name() + "/train", images.train(), spec.classes()),
                config);
        ImageDataset test = resized(ImageDataset.fromRaw(spec.name() + "/test", images.test(), spec.classes()), config);

        int validationSize = config.validation().sizeFor(officialTrain.count());
        int[] order = SeededIndices.permutation(officialTrain.count(),
                SeededIndices.stream(config.seed(), VALIDATION_STREAM));
        ImageDataset validation = officialTrain.select(SeededIndices.sortedRange(order, 0, validationSize),
                spec.name() + "/validation");
        ImageDataset train = officialTrain.select(SeededIndices.sortedRange(order, validationSize, order.length),
                spec.name() + "/train");

        Optional<ChannelStatistics> statistics = Optional.empty();
        if (config.normalize()) {
            // Statistics from the training split only: validation and test must not leak into it.
            ChannelStatistics trainStatistics = ChannelStatistics.of(train);
            statistics = Optional.of(trainStatistics);
            train = trainStatistics.normalize(train);
            validation = trainStatistics.normalize(validation);
            test = trainStatistics.normalize(test);
        }
        train = subset(train, config.trainingSubset(), config.seed());

        // A dataset's own crop is scaled with a resize (CIFAR-10's 4 of 32 pixels is 2 of 16); one the
        // user gives is in pixels of the images as trained.
        Augmentation augmentation = config.augmentation().isPresent() ? config.augmentation().get()
                : spec.defaultAugmentation().scaledTo(spec.height(), train.height());
        return new DataSplits(spec, train, validation, test, statistics, augmentation);
    }

    private static ImageDataset resized(ImageDataset data, DataConfig config) {
        return config.resizeTo().map(side -> AreaResize.resize(data, side, side)).orElse(data);
    }

    private static ImageDataset subset(ImageDataset train, TrainingSubset subset, long seed) {
        if (subset.isAll() || subset.size() >= train.count()) {
            return train;
        }
        int[] chosen;
        if (subset.random()) {
            int[] order = SeededIndices.permutation(train.count(), SeededIndices.stream(seed, SUBSET_STREAM));
            chosen = SeededIndices.sortedRange(order, 0, subset.size());
        } else {
            chosen = new int[subset.size()];
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = i;
            }
        }
        return train.select(chosen, train.name());
    }
}

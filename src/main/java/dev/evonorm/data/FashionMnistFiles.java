package dev.evonorm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST's four IDX files in a folder, gzipped (as distributed) or already unpacked. */
final class FashionMnistFiles {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> ALL = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private FashionMnistFiles() {
    }

    static boolean isPresent(Path folder) {
        return ALL.stream().allMatch(name -> find(folder, name) != null);
    }

    static TrainTestImages read(Path folder) {
        RawImages train = IdxReader.read(require(folder, TRAIN_IMAGES), require(folder, TRAIN_LABELS));
        RawImages test = IdxReader.read(require(folder, TEST_IMAGES), require(folder, TEST_LABELS));
        return new TrainTestImages(train, test);
    }

    /** The gzipped file if there is one, else the unpacked one, else null. */
    private static Path find(Path folder, String baseName) {
        Path gzipped = folder.resolve(baseName + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        Path raw = folder.resolve(baseName);
        return Files.isRegularFile(raw) ? raw : null;
    }

    private static Path require(Path folder, String baseName) {
        Path file = find(folder, baseName);
        if (file == null) {
            throw new DataException(folder.resolve(baseName + ".gz") + ": file not found; pass --data DIR (or set"
                    + " EVONORM_DATA) pointing at a folder with all four Fashion-MNIST files");
        }
        return file;
    }
}

package dev.evonorm.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The datasets known by name: {@code fashion-mnist} (the default), {@code cifar10}, and
 * {@code image-folder}, a user's own images read from the {@code --data} folder
 * (train/&lt;class&gt;/…, optionally test/&lt;class&gt;/…).
 */
public final class DatasetRegistry {
    public static final String DEFAULT = "fashion-mnist";
    public static final String IMAGE_FOLDER = "image-folder";

    /*
     * Digests of the files as served at the official locations, from TensorFlow Datasets'
     * url_checksums (fashion_mnist.txt, cifar10.txt); the CIFAR-10 value also appears in several
     * independent projects' download code. The second Fashion-MNIST digest of each file is that of
     * Debian's dataset-fashion-mnist copy: Debian recompressed the gzip files (its headers lack the
     * original file name, 23-24 bytes shorter), so its bytes differ from the official ones while
     * the images are the same. Both forms are accepted; only the official one is ever downloaded.
     */
    private static final List<PinnedFile> FASHION_FILES = List.of(
            new PinnedFile("train-images-idx3-ubyte.gz",
                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                    "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            new PinnedFile("train-labels-idx1-ubyte.gz",
                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                    "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            new PinnedFile("t10k-images-idx3-ubyte.gz",
                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                    "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            new PinnedFile("t10k-labels-idx1-ubyte.gz",
                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                    "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));

    private static final List<PinnedFile> CIFAR_FILES = List.of(
            new PinnedFile(CifarBinaryReader.ARCHIVE,
                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"));

    public static final DatasetSpec FASHION_MNIST = new DatasetSpec(
            "fashion-mnist", 1, 28, 28, 10,
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            FASHION_FILES,
            Optional.of(Path.of("/usr/share/datasets/fashion-mnist")),
            Optional.of("dataset-fashion-mnist"),
            Augmentation.NONE,
            FashionMnistFiles::isPresent,
            FashionMnistFiles::read);

    public static final DatasetSpec CIFAR10 = new DatasetSpec(
            "cifar10", CifarBinaryReader.CHANNELS, CifarBinaryReader.SIDE, CifarBinaryReader.SIDE,
            CifarBinaryReader.CLASSES,
            URI.create("https://www.cs.toronto.edu/~kriz/"),
            CIFAR_FILES,
            Optional.empty(),
            Optional.empty(),
            Augmentation.CROP_AND_FLIP,
            CifarBinaryReader::isPresent,
            CifarBinaryReader::read);

    private static final Map<String, DatasetSpec> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put(FASHION_MNIST.name(), FASHION_MNIST);
        BY_NAME.put(CIFAR10.name(), CIFAR10);
    }

    private DatasetRegistry() {
    }

    /**
     * The published dataset called {@code name}; an unknown name is a one-line error listing the
     * known ones. {@code image-folder} has no fixed description (it is whatever the folder holds),
     * so it is not one of these: check names with {@link #requireKnown}.
     */
    public static DatasetSpec byName(String name) {
        DatasetSpec spec = BY_NAME.get(name);
        if (spec == null) {
            requireKnown(name);
            throw new DataException("dataset '" + name + "' is read from your own folder and has no fixed"
                    + " description; load it with DatasetLoader");
        }
        return spec;
    }

    /** Fails with a one-line error listing the known names unless {@code name} is one of them. */
    public static void requireKnown(String name) {
        if (!names().contains(name)) {
            throw new DataException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", names()));
        }
    }

    /** Every name {@code --dataset} takes: the published datasets, then {@code image-folder}. */
    public static List<String> names() {
        List<String> names = new java.util.ArrayList<>(BY_NAME.keySet());
        names.add(IMAGE_FOLDER);
        return List.copyOf(names);
    }
}

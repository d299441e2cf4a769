package dev.evonorm.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the data package knows about one dataset: its image geometry, how to recognise and read
 * its files in a folder, where the official copy lives and which digests it has, and where Debian
 * installs it (if it does).
 *
 * @param name the registry name, also the cache folder's name
 * @param downloadBase the official folder the {@code downloads} are fetched from; replaceable
 *     with {@link #withDownloadBase} so tests can serve files from loopback
 * @param debianFolder where the Debian package installs the files, if one does
 * @param debianPackage that package's name, mentioned when nothing can be found
 * @param defaultAugmentation augmentation used unless a configuration says otherwise
 * @param isPresentIn whether a folder holds the complete dataset
 * @param reader reads the training and test parts from a folder where {@code isPresentIn} holds
 */
public record DatasetSpec(
        String name,
        int channels,
        int height,
        int width,
        int classes,
        URI downloadBase,
        List<PinnedFile> downloads,
        Optional<Path> debianFolder,
        Optional<String> debianPackage,
        Augmentation defaultAugmentation,
        Predicate<Path> isPresentIn,
        Function<Path, TrainTestImages> reader) {

    public DatasetSpec {
        downloads = List.copyOf(downloads);
        if (!downloadBase.toString().endsWith("/")) {
            downloadBase = URI.create(downloadBase + "/");
        }
    }

    /** The same dataset fetched from another folder, e.g. a loopback test server or a mirror. */
    public DatasetSpec withDownloadBase(URI base) {
        return new DatasetSpec(name, channels, height, width, classes, base, downloads, debianFolder,
                debianPackage, defaultAugmentation, isPresentIn, reader);
    }

    /** The same dataset without a Debian location (tests use this to keep the machine's copy out). */
    public DatasetSpec withDebianFolder(Optional<Path> folder) {
        return new DatasetSpec(name, channels, height, width, classes, downloadBase, downloads, folder,
                debianPackage, defaultAugmentation, isPresentIn, reader);
    }

    public URI downloadUri(PinnedFile file) {
        return downloadBase.resolve(file.name());
    }
}

package dev.evonorm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a dataset's files, in this order:
 * <ol>
 *   <li>the folder given explicitly ({@code --data DIR}); if it lacks the files that is an error,
 *       because the user asked for exactly that folder;</li>
 *   <li>the folder in the {@value #ENVIRONMENT_VARIABLE} environment variable;</li>
 *   <li>the folder where a Debian package installs the dataset, if one does;</li>
 *   <li>the cache, {@code ~/.cache/evonorm/<dataset>};</li>
 *   <li>else a download from the official location into the cache.</li>
 * </ol>
 * An explicit or environment folder may hold the files directly or in a sub-folder named after
 * the dataset, so one {@code EVONORM_DATA} folder can serve every dataset.
 *
 * <p>The environment, home folder and downloader are injected so tests control all of them.
 */
public final class DataLocator {
    public static final String ENVIRONMENT_VARIABLE = "EVONORM_DATA";
    private static final Logger LOG = LoggerFactory.getLogger(DataLocator.class);

    /** Where the files were found, for logging and for tests of the search order. */
    public enum Source { EXPLICIT, ENVIRONMENT, DEBIAN, CACHE, DOWNLOADED }

    /** The folder (or archive's folder) that the dataset's reader should be given. */
    public record Located(Path folder, Source source) {
    }

    private final Function<String, String> environment;
    private final Path home;
    private final FileDownloader downloader;

    public DataLocator(Function<String, String> environment, Path home, FileDownloader downloader) {
        this.environment = environment;
        this.home = home;
        this.downloader = downloader;
    }

    /** A locator for this machine: the real environment, home folder and network. */
    public static DataLocator system() {
        return new DataLocator(System::getenv, Path.of(System.getProperty("user.home")), FileDownloader.standard());
    }

    public Path cacheFolder(DatasetSpec spec) {
        return home.resolve(".cache").resolve("evonorm").resolve(spec.name());
    }

    public Located locate(DatasetSpec spec, Optional<Path> explicitFolder) {
        if (explicitFolder.isPresent()) {
            Path given = explicitFolder.get();
            return holder(spec, given)
                    .map(folder -> new Located(folder, Source.EXPLICIT))
                    .orElseThrow(() -> new DataException("--data " + given + ": no " + spec.name() + " files there"
                            + " nor in " + given.resolve(spec.name()) + "; point it at the folder holding "
                            + expectedFiles(spec)));
        }
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Optional<Path> folder = holder(spec, Path.of(fromEnvironment));
            if (folder.isPresent()) {
                return new Located(folder.get(), Source.ENVIRONMENT);
            }
            // The variable may be set for another dataset; keep looking rather than fail.
            LOG.info("{}={} holds no {} files; looking further", ENVIRONMENT_VARIABLE, fromEnvironment, spec.name());
        }
        Optional<Path> debian = spec.debianFolder().filter(spec.isPresentIn());
        if (debian.isPresent()) {
            return new Located(debian.get(), Source.DEBIAN);
        }
        Path cache = cacheFolder(spec);
        if (spec.isPresentIn().test(cache)) {
            return new Located(cache, Source.CACHE);
        }
        download(spec, cache);
        return new Located(cache, Source.DOWNLOADED);
    }

    private static Optional<Path> holder(DatasetSpec spec, Path folder) {
        for (Path candidate : List.of(folder, folder.resolve(spec.name()))) {
            if (Files.exists(candidate) && spec.isPresentIn().test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Fetches the files the cache lacks; files already there are left alone (the reader checks them). */
    private void download(DatasetSpec spec, Path cache) {
        List<PinnedFile> missing = new ArrayList<>();
        for (PinnedFile file : spec.downloads()) {
            if (!Files.isRegularFile(cache.resolve(file.name()))) {
                missing.add(file);
            }
        }
        LOG.info("{} not found locally; downloading {} file(s) from {} into {}", spec.name(), missing.size(),
                spec.downloadBase(), cache);
        for (PinnedFile file : missing) {
            try {
                downloader.download(spec.downloadUri(file), cache.resolve(file.name()), file);
            } catch (DownloadFailedException e) {
                throw new DataException(notFoundMessage(spec, e.getMessage()), e);
            }
        }
        if (!spec.isPresentIn().test(cache)) {
            throw new DataException(notFoundMessage(spec, "the downloaded files are incomplete"));
        }
    }

    private String notFoundMessage(DatasetSpec spec, String reason) {
        String install = spec.debianPackage()
                .map(name -> "install it with 'apt-get install " + name + "', or ")
                .orElse("");
        return spec.name() + " not found locally and " + reason + "; " + install + "download "
                + spec.downloads().stream().map(spec::downloadUri).map(Object::toString).toList()
                + " yourself and pass --data DIR or set " + ENVIRONMENT_VARIABLE + "=DIR";
    }

    private static String expectedFiles(DatasetSpec spec) {
        return spec.downloads().stream().map(PinnedFile::name).toList().toString();
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path root;

    private final FileDownloader downloader = new FileDownloader(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), false);

    /** Fashion-MNIST whose "Debian" folder is one this test controls, and downloads go nowhere useful. */
    private DatasetSpec fashion(Path debian, URI downloadBase) {
        return DatasetRegistry.FASHION_MNIST.withDebianFolder(Optional.of(debian)).withDownloadBase(downloadBase);
    }

    @Test
    void searchOrderIsExplicitThenEnvironmentThenDebianThenCache() throws IOException {
        Path explicit = root.resolve("explicit");
        Path fromEnvironment = root.resolve("env");
        Path debian = root.resolve("debian");
        Path home = root.resolve("home");
        for (Path folder : List.of(explicit, fromEnvironment, debian)) {
            TestFiles.writeFashionFolder(folder, 4, 2);
        }
        TestFiles.writeFashionFolder(home.resolve(".cache/evonorm/fashion-mnist"), 4, 2);
        DatasetSpec spec = fashion(debian, URI.create("http://127.0.0.1:9/unused/"));
        DataLocator locator = new DataLocator(environmentWith(fromEnvironment), home, downloader);

        assertEquals(new DataLocator.Located(explicit, DataLocator.Source.EXPLICIT),
                locator.locate(spec, Optional.of(explicit)));
        assertEquals(new DataLocator.Located(fromEnvironment, DataLocator.Source.ENVIRONMENT),
                locator.locate(spec, Optional.empty()));

        DataLocator withoutEnvironment = new DataLocator(name -> null, home, downloader);
        assertEquals(new DataLocator.Located(debian, DataLocator.Source.DEBIAN),
                withoutEnvironment.locate(spec, Optional.empty()));

        DatasetSpec noDebian = spec.withDebianFolder(Optional.empty());
        assertEquals(new DataLocator.Located(home.resolve(".cache/evonorm/fashion-mnist"), DataLocator.Source.CACHE),
                withoutEnvironment.locate(noDebian, Optional.empty()));
    }

    @Test
    void environmentFolderMayHoldOneSubFolderPerDataset() throws IOException {
        Path shared = root.resolve("datasets");
        TestFiles.writeFashionFolder(shared.resolve("fashion-mnist"), 4, 2);
        DataLocator locator = new DataLocator(environmentWith(shared), root.resolve("home"), downloader);

        DataLocator.Located located = locator.locate(fashion(root.resolve("no-debian"), URI.create("http://127.0.0.1:9/")),
                Optional.empty());

        assertEquals(new DataLocator.Located(shared.resolve("fashion-mnist"), DataLocator.Source.ENVIRONMENT), located);
    }

    @Test
    void environmentFolderWithoutTheDatasetFallsThrough() throws IOException {
        Path debian = root.resolve("debian");
        TestFiles.writeFashionFolder(debian, 4, 2);
        DataLocator locator = new DataLocator(environmentWith(root.resolve("empty")), root.resolve("home"), downloader);

        assertEquals(DataLocator.Source.DEBIAN,
                locator.locate(fashion(debian, URI.create("http://127.0.0.1:9/")), Optional.empty()).source());
    }

    @Test
    void explicitFolderWithoutFilesIsAnError() {
        Path empty = root.resolve("empty");
        DataLocator locator = new DataLocator(name -> null, root.resolve("home"), downloader);

        DataException error = assertThrows(DataException.class, () -> locator.locate(
                DatasetRegistry.FASHION_MNIST, Optional.of(empty)));

        assertTrue(error.getMessage().startsWith("--data " + empty), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void missingEverywhereDownloadsIntoTheCache() throws IOException {
        Map<String, byte[]> files = TestFiles.fashionFiles(6, 3);
        try (LoopbackFileServer server = new LoopbackFileServer(files)) {
            DatasetSpec spec = withPins(fashion(root.resolve("no-debian"), server.base()), files);
            Path home = root.resolve("home");
            DataLocator locator = new DataLocator(name -> null, home, downloader);

            DataLocator.Located located = locator.locate(spec, Optional.empty());

            Path cache = home.resolve(".cache/evonorm/fashion-mnist");
            assertEquals(new DataLocator.Located(cache, DataLocator.Source.DOWNLOADED), located);
            assertEquals(4, server.requests());
            assertEquals(6, spec.reader().apply(cache).train().count());
            // A second run finds the cache and does not download again.
            assertEquals(DataLocator.Source.CACHE, locator.locate(spec, Optional.empty()).source());
            assertEquals(4, server.requests());
        }
    }

    @Test
    void failedDownloadNamesPackageUrlAndFlags() throws IOException {
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of())) {
            DatasetSpec spec = fashion(root.resolve("no-debian"), server.base());
            DataLocator locator = new DataLocator(name -> null, root.resolve("home"), downloader);

            DataException error = assertThrows(DataException.class, () -> locator.locate(spec, Optional.empty()));

            String message = error.getMessage();
            assertFalse(message.contains("\n"), message);
            assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
            assertTrue(message.contains(server.base() + "train-images-idx3-ubyte.gz"), message);
            assertTrue(message.contains("--data DIR") && message.contains("EVONORM_DATA"), message);
            assertFalse(Files.exists(root.resolve("home/.cache/evonorm/fashion-mnist/train-images-idx3-ubyte.gz")));
        }
    }

    @Test
    void cifarArchiveIsDownloadedVerifiedAndRead() throws IOException {
        byte[] archive = TestFiles.cifarArchive(TestFiles.cifarFiles(2));
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of(CifarBinaryReader.ARCHIVE, archive))) {
            DatasetSpec spec = withPins(DatasetRegistry.CIFAR10.withDownloadBase(server.base()),
                    Map.of(CifarBinaryReader.ARCHIVE, archive));
            DataLocator locator = new DataLocator(name -> null, root.resolve("home"), downloader);

            DataLocator.Located located = locator.locate(spec, Optional.empty());

            assertEquals(DataLocator.Source.DOWNLOADED, located.source());
            assertEquals(10, spec.reader().apply(located.folder()).train().count());
        }
    }

    @Test
    void tamperedCifarArchiveIsRejectedByTheRealPin() throws IOException {
        byte[] archive = TestFiles.cifarArchive(TestFiles.cifarFiles(2));
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of(CifarBinaryReader.ARCHIVE, archive))) {
            DatasetSpec spec = DatasetRegistry.CIFAR10.withDownloadBase(server.base());
            Path home = root.resolve("home");
            DataLocator locator = new DataLocator(name -> null, home, downloader);

            DataException error = assertThrows(DataException.class, () -> locator.locate(spec, Optional.empty()));

            assertTrue(error.getMessage().contains("SHA-256"), error.getMessage());
            try (var left = Files.list(home.resolve(".cache/evonorm/cifar10"))) {
                assertEquals(0, left.count(), "nothing kept after a failed verification");
            }
        }
    }

    /** The spec with digests of the generated files pinned instead of the real ones. */
    private static DatasetSpec withPins(DatasetSpec spec, Map<String, byte[]> files) {
        List<PinnedFile> pins = files.entrySet().stream()
                .map(file -> new PinnedFile(file.getKey(), TestFiles.sha256(file.getValue())))
                .toList();
        return new DatasetSpec(spec.name(), spec.channels(), spec.height(), spec.width(), spec.classes(),
                spec.downloadBase(), pins, spec.debianFolder(), spec.debianPackage(), spec.defaultAugmentation(),
                spec.isPresentIn(), spec.reader());
    }

    private static java.util.function.Function<String, String> environmentWith(Path folder) {
        Map<String, String> environment = new HashMap<>();
        environment.put(DataLocator.ENVIRONMENT_VARIABLE, folder.toString());
        return environment::get;
    }
}

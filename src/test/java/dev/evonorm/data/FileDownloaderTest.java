package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDownloaderTest {
    private static final byte[] CONTENT = "pretend this is a data file".repeat(5000).getBytes();

    @TempDir
    Path cache;

    private final FileDownloader downloader = new FileDownloader(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), false);

    @Test
    void goodFileIsDownloadedAndVerified() throws IOException {
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of("file.bin", CONTENT))) {
            Path target = cache.resolve("sub/file.bin");
            downloader.download(server.base().resolve("file.bin"), target,
                    new PinnedFile("file.bin", TestFiles.sha256(CONTENT)));

            assertArrayEquals(CONTENT, Files.readAllBytes(target));
            assertEquals(1, listing(target.getParent()).length, "only the verified file remains");
        }
    }

    @Test
    void wrongDigestIsRejectedAndLeavesNothing() throws IOException {
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of("file.bin", CONTENT))) {
            Path target = cache.resolve("file.bin");
            String otherDigest = TestFiles.sha256("something else".getBytes());

            DownloadFailedException error = assertThrows(DownloadFailedException.class, () -> downloader.download(
                    server.base().resolve("file.bin"), target, new PinnedFile("file.bin", otherDigest)));

            assertTrue(error.getMessage().contains(TestFiles.sha256(CONTENT)), error.getMessage());
            assertTrue(error.getMessage().contains(otherDigest), error.getMessage());
            assertEquals(0, listing(cache).length, "no file and no partial file left behind");
        }
    }

    @Test
    void httpErrorIsReportedAndLeavesNothing() throws IOException {
        try (LoopbackFileServer server = new LoopbackFileServer(Map.of())) {
            DownloadFailedException error = assertThrows(DownloadFailedException.class, () -> downloader.download(
                    server.base().resolve("absent.bin"), cache.resolve("absent.bin"),
                    new PinnedFile("absent.bin", TestFiles.sha256(CONTENT))));

            assertTrue(error.getMessage().contains("404"), error.getMessage());
            assertEquals(0, listing(cache).length);
        }
    }

    @Test
    void unreachableServerIsReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/file.bin");

        DownloadFailedException error = assertThrows(DownloadFailedException.class, () -> downloader.download(
                nowhere, cache.resolve("file.bin"), new PinnedFile("file.bin", TestFiles.sha256(CONTENT))));

        assertTrue(error.getMessage().contains(nowhere.toString()), error.getMessage());
        assertEquals(0, listing(cache).length);
    }

    private static Path[] listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toArray(Path[]::new);
        }
    }
}

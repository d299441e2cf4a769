package dev.evonorm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file and keeps it only if its SHA-256 is pinned. The bytes go to a temporary file
 * beside the target and are renamed into place atomically after verification, so an interrupted
 * or tampered download never leaves a file that a later run would trust.
 */
public final class FileDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
    private static final int CHUNK = 1 << 16;
    /** Plain log lines (no terminal) at most every this many bytes, so CI logs stay short. */
    private static final long LOG_EVERY_BYTES = 16L << 20;

    private final HttpClient client;
    private final boolean showProgressBar;

    public FileDownloader(HttpClient client, boolean showProgressBar) {
        this.client = client;
        this.showProgressBar = showProgressBar;
    }

    /** A downloader with sane timeouts that shows a progress bar when run on a terminal. */
    public static FileDownloader standard() {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new FileDownloader(client, System.console() != null);
    }

    /**
     * Fetches {@code source} into {@code target}.
     *
     * @throws DownloadFailedException when the server cannot be reached, answers with an error,
     *     or sends bytes whose digest is not pinned; nothing is left at {@code target} then
     */
    public void download(URI source, Path target, PinnedFile pinned) {
        Path partial = null;
        try {
            Files.createDirectories(target.getParent());
            partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            HttpRequest request = HttpRequest.newBuilder(source).timeout(Duration.ofMinutes(30)).GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new DownloadFailedException(source + " answered HTTP " + response.statusCode());
                }
                long expectedLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                String digest = copyHashing(body, partial, expectedLength, pinned.name());
                if (!pinned.accepts(digest)) {
                    throw new DownloadFailedException(source + " sent a file with SHA-256 " + digest
                            + ", expected " + String.join(" or ", pinned.sha256()) + " (damaged or altered download)");
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("downloaded {} to {} (SHA-256 verified)", source, target);
        } catch (IOException e) {
            throw new DownloadFailedException("could not download " + source + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadFailedException("download of " + source + " was interrupted", e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private String copyHashing(InputStream body, Path destination, long expectedLength, String label)
            throws IOException {
        MessageDigest sha256 = newSha256();
        byte[] chunk = new byte[CHUNK];
        long copied = 0;
        long nextLogAt = LOG_EVERY_BYTES;
        try (OutputStream out = Files.newOutputStream(destination);
             ProgressBar bar = showProgressBar ? progressBar(label, expectedLength) : null) {
            int read;
            while ((read = body.read(chunk)) >= 0) {
                out.write(chunk, 0, read);
                sha256.update(chunk, 0, read);
                copied += read;
                if (bar != null) {
                    bar.stepTo(copied);
                } else if (copied >= nextLogAt) {
                    LOG.info("{}: {} MiB of {}", label, copied >> 20,
                            expectedLength > 0 ? (expectedLength >> 20) + " MiB" : "unknown size");
                    nextLogAt += LOG_EVERY_BYTES;
                }
            }
        }
        if (expectedLength >= 0 && copied != expectedLength) {
            throw new IOException("connection ended after " + copied + " of " + expectedLength + " bytes");
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static ProgressBar progressBar(String label, long expectedLength) {
        return new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(expectedLength)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .build();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove the partial download {}: {}", file, e.getMessage());
        }
    }
}

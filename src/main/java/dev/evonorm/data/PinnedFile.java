package dev.evonorm.data;

import java.util.List;
import java.util.Locale;

/**
 * A file a dataset downloads, with the SHA-256 digests it may have. A download is kept only when
 * its digest is one of these; several are allowed because the same data circulates in more than
 * one byte-exact form (e.g. Debian recompressed Fashion-MNIST's gzip files).
 */
public record PinnedFile(String name, List<String> sha256) {
    public PinnedFile {
        if (sha256.isEmpty()) {
            throw new IllegalArgumentException(name + ": a pinned file needs at least one digest");
        }
        sha256 = sha256.stream().map(digest -> digest.toLowerCase(Locale.ROOT)).toList();
    }

    public PinnedFile(String name, String... sha256) {
        this(name, List.of(sha256));
    }

    public boolean accepts(String hexDigest) {
        return sha256.contains(hexDigest.toLowerCase(Locale.ROOT));
    }
}

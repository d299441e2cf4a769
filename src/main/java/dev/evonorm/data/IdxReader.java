package dev.evonorm.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: unsigned-byte images ({@code idx3}) and labels
 * ({@code idx1}), gzipped or raw (detected from the gzip magic, not the file name).
 */
public final class IdxReader {
    /** 0x00 0x00, type 0x08 (unsigned byte), then the number of dimensions. */
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_MAGIC = 0x1f8b;
    private static final int BUFFER_SIZE = 1 << 16;

    private IdxReader() {
    }

    /** Reads an image file and its label file and checks that they describe the same examples. */
    public static RawImages read(Path imagesFile, Path labelsFile) {
        ImageBlock images = readImages(imagesFile);
        byte[] labels = readLabels(labelsFile);
        if (labels.length != images.count) {
            throw FileProblems.damaged(labelsFile, "has " + labels.length + " labels but "
                    + imagesFile.getFileName() + " has " + images.count + " images (files from different sets?)");
        }
        return new RawImages(images.pixels, labels, 1, images.rows, images.columns);
    }

    private record ImageBlock(byte[] pixels, int count, int rows, int columns) {
    }

    private static ImageBlock readImages(Path file) {
        try (DataInputStream in = open(file)) {
            expectMagic(file, in.readInt(), IMAGES_MAGIC, "IDX image file (idx3-ubyte)");
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            if (count < 0 || rows <= 0 || columns <= 0 || (long) count * rows * columns > Integer.MAX_VALUE - 8) {
                throw FileProblems.damaged(file, "implausible header " + count + "x" + rows + "x" + columns);
            }
            byte[] pixels = readBody(file, in, count * rows * columns);
            return new ImageBlock(pixels, count, rows, columns);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static byte[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            expectMagic(file, in.readInt(), LABELS_MAGIC, "IDX label file (idx1-ubyte)");
            int count = in.readInt();
            if (count < 0) {
                throw FileProblems.damaged(file, "negative label count " + count);
            }
            return readBody(file, in, count);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        boolean gzipped = ((first << 8) | second) == GZIP_MAGIC;
        InputStream body = gzipped ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER_SIZE), BUFFER_SIZE) : raw;
        return new DataInputStream(body);
    }

    private static void expectMagic(Path file, int actual, int expected, String what) {
        if (actual != expected) {
            throw FileProblems.damaged(file, String.format("not an %s: magic number 0x%08x, expected 0x%08x",
                    what, actual, expected));
        }
    }

    /** Reads exactly {@code length} bytes and insists that nothing follows them. */
    private static byte[] readBody(Path file, DataInputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int filled = 0;
        while (filled < length) {
            int read = in.read(body, filled, length - filled);
            if (read < 0) {
                throw FileProblems.damaged(file, "truncated: header promises " + length + " data bytes, file has "
                        + filled);
            }
            filled += read;
        }
        if (in.read() >= 0) {
            throw FileProblems.damaged(file, "has data after the " + length + " bytes its header declares");
        }
        return body;
    }

    private static DataException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": file not found; pass --data DIR (or set EVONORM_DATA) pointing at"
                    + " a folder that holds it", e);
        }
        if (e instanceof EOFException) {
            return FileProblems.damaged(file, "truncated (ends inside the header or the gzip stream)", e);
        }
        return FileProblems.damaged(file, "unreadable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
}

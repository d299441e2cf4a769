package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path folder;

    @Test
    void readsGzippedFilesExactly() throws IOException {
        Path images = write("img.gz", TestFiles.gzip(TestFiles.idxImages(7, 5, 4)));
        Path labels = write("lab.gz", TestFiles.gzip(TestFiles.idxLabels(7, 3)));

        RawImages read = IdxReader.read(images, labels);

        assertEquals(7, read.count());
        assertEquals(1, read.channels());
        assertEquals(5, read.height());
        assertEquals(4, read.width());
        assertEquals(2, read.label(5));
        // image 6, row 3, column 2
        assertEquals(TestFiles.pixel(6, 0, 3, 2), read.pixelAt(6L * 20 + 3 * 4 + 2));
    }

    @Test
    void rawFilesReadTheSameAsGzipped() throws IOException {
        RawImages fromGzip = IdxReader.read(write("a.gz", TestFiles.gzip(TestFiles.idxImages(3, 2, 2))),
                write("b.gz", TestFiles.gzip(TestFiles.idxLabels(3, 10))));
        RawImages fromRaw = IdxReader.read(write("a", TestFiles.idxImages(3, 2, 2)),
                write("b", TestFiles.idxLabels(3, 10)));

        assertArrayEquals(fromGzip.pixelBytes(), fromRaw.pixelBytes());
        assertArrayEquals(fromGzip.labelBytes(), fromRaw.labelBytes());
    }

    @Test
    void wrongMagicNamesTheFile() throws IOException {
        Path labels = write("labels", TestFiles.idxLabels(3, 10));
        // A label file where an image file belongs.
        Path swapped = write("images", TestFiles.idxLabels(3, 10));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(swapped, labels));

        assertOneLineNaming(error, swapped);
        assertTrue(error.getMessage().contains("magic"), error.getMessage());
    }

    @Test
    void truncatedImagesAreReported() throws IOException {
        byte[] full = TestFiles.idxImages(4, 3, 3);
        Path images = write("images.gz", TestFiles.gzip(Arrays.copyOf(full, full.length - 5)));
        Path labels = write("labels", TestFiles.idxLabels(4, 10));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, labels));

        assertOneLineNaming(error, images);
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void cutGzipStreamIsReported() throws IOException {
        byte[] gzipped = TestFiles.gzip(TestFiles.idxImages(50, 8, 8));
        Path images = write("images.gz", Arrays.copyOf(gzipped, gzipped.length / 2));
        Path labels = write("labels", TestFiles.idxLabels(50, 10));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, labels));

        assertOneLineNaming(error, images);
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        byte[] gzipped = TestFiles.gzip(TestFiles.idxImages(50, 8, 8));
        for (int i = 20; i < 60; i++) {
            gzipped[i] ^= 0x5a;
        }
        Path images = write("images.gz", gzipped);
        Path labels = write("labels", TestFiles.idxLabels(50, 10));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, labels));

        assertOneLineNaming(error, images);
    }

    @Test
    void extraBytesAfterTheDeclaredDataAreReported() throws IOException {
        byte[] full = TestFiles.idxLabels(4, 10);
        Path labels = write("labels", Arrays.copyOf(full, full.length + 3));
        Path images = write("images", TestFiles.idxImages(4, 2, 2));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, labels));

        assertOneLineNaming(error, labels);
    }

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        Path images = write("images", TestFiles.idxImages(5, 2, 2));
        Path labels = write("labels", TestFiles.idxLabels(4, 10));

        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, labels));

        assertOneLineNaming(error, labels);
        assertTrue(error.getMessage().contains("4 labels") && error.getMessage().contains("5 images"),
                error.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path images = folder.resolve("absent-images.gz");
        DataException error = assertThrows(DataException.class, () -> IdxReader.read(images, images));
        assertOneLineNaming(error, images);
    }

    @Test
    void messagesAreAlwaysOneLine() {
        assertEquals("a b c", new DataException("a\n  b\r\nc").getMessage());
    }

    static void assertOneLineNaming(DataException error, Path file) {
        String message = error.getMessage();
        assertTrue(message.contains(file.toString()), "message should name " + file + ": " + message);
        assertTrue(!message.contains("\n"), "message should be one line: " + message);
        assertTrue(message.contains("--data") || message.contains("EVONORM_DATA"),
                "message should say how to fix it: " + message);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(folder.resolve(name), content);
    }
}

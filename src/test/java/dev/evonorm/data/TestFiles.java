package dev.evonorm.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small data files in the official formats, so readers are tested without the real sets. */
final class TestFiles {
    private TestFiles() {
    }

    /** Pixel value of image n at (y, x) in the generated sets: distinct enough to catch mix-ups. */
    static int pixel(int n, int channel, int y, int x) {
        return (n * 31 + channel * 7 + y * 5 + x * 3) % 256;
    }

    static byte[] idxImages(int count, int rows, int columns) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.IMAGES_MAGIC);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(columns);
        for (int n = 0; n < count; n++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x++) {
                    out.writeByte(pixel(n, 0, y, x));
                }
            }
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int count, int classes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.LABELS_MAGIC);
        out.writeInt(count);
        for (int n = 0; n < count; n++) {
            out.writeByte(n % classes);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** Writes the four Fashion-MNIST file names (gzipped) with small generated content. */
    static void writeFashionFolder(Path folder, int trainCount, int testCount) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> file : fashionFiles(trainCount, testCount).entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
        }
    }

    static Map<String, byte[]> fashionFiles(int trainCount, int testCount) throws IOException {
        return Map.of(
                "train-images-idx3-ubyte.gz", gzip(idxImages(trainCount, 28, 28)),
                "train-labels-idx1-ubyte.gz", gzip(idxLabels(trainCount, 10)),
                "t10k-images-idx3-ubyte.gz", gzip(idxImages(testCount, 28, 28)),
                "t10k-labels-idx1-ubyte.gz", gzip(idxLabels(testCount, 10)));
    }

    /** CIFAR-10 binary records; image n gets label (n + first) % 10 and pixels from {@link #pixel}. */
    static byte[] cifarBatch(int count, int first) {
        byte[] records = new byte[count * CifarBinaryReader.RECORD_BYTES];
        for (int n = 0; n < count; n++) {
            int base = n * CifarBinaryReader.RECORD_BYTES;
            records[base] = (byte) ((n + first) % 10);
            int i = base + 1;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        records[i++] = (byte) pixel(n + first, c, y, x);
                    }
                }
            }
        }
        return records;
    }

    /** The six CIFAR-10 files, {@code perBatch} records each, numbered consecutively from 0. */
    static Map<String, byte[]> cifarFiles(int perBatch) {
        java.util.LinkedHashMap<String, byte[]> files = new java.util.LinkedHashMap<>();
        int first = 0;
        for (String name : CifarBinaryReader.TRAIN_FILES) {
            files.put(name, cifarBatch(perBatch, first));
            first += perBatch;
        }
        files.put(CifarBinaryReader.TEST_FILE, cifarBatch(perBatch, first));
        return files;
    }

    static void writeCifarFolder(Path folder, int perBatch) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> file : cifarFiles(perBatch).entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
        }
    }

    /** A tar.gz laid out like the official archive: everything under cifar-10-batches-bin/. */
    static byte[] cifarArchive(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry folder = new TarArchiveEntry(CifarBinaryReader.FOLDER + "/");
            tar.putArchiveEntry(folder);
            tar.closeArchiveEntry();
            byte[] meta = "airplane\nautomobile\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            addEntry(tar, CifarBinaryReader.FOLDER + "/batches.meta.txt", meta);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                addEntry(tar, CifarBinaryReader.FOLDER + "/" + file.getKey(), file.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private static void addEntry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static String sha256(byte[] content) {
        return java.util.HexFormat.of().formatHex(FileDownloader.newSha256().digest(content));
    }
}

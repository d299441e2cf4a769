package dev.evonorm.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the binary version of CIFAR-10: files of records, each one label byte followed by
 * 3072 pixel bytes (1024 red, 1024 green, 1024 blue, rows top to bottom) — already NCHW.
 *
 * <p>Accepts a folder holding the {@code .bin} files, a folder holding the
 * {@code cifar-10-batches-bin/} folder, or the {@code cifar-10-binary.tar.gz} archive itself
 * (read in one streaming pass, nothing unpacked to disk).
 */
public final class CifarBinaryReader {
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int CLASSES = 10;
    public static final int RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;

    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String FOLDER = "cifar-10-batches-bin";
    public static final String ARCHIVE = "cifar-10-binary.tar.gz";

    private CifarBinaryReader() {
    }

    /** True when {@code location} holds CIFAR-10 in any of the accepted layouts. */
    public static boolean isPresent(Path location) {
        return batchFolder(location) != null || Files.isRegularFile(location.resolve(ARCHIVE))
                || (Files.isRegularFile(location) && location.getFileName().toString().endsWith(".tar.gz"));
    }

    /** Reads all five training batches (in order) and the test batch from {@code location}. */
    public static TrainTestImages read(Path location) {
        Path folder = batchFolder(location);
        if (folder != null) {
            return readFolder(folder);
        }
        Path archive = Files.isRegularFile(location) ? location : location.resolve(ARCHIVE);
        if (Files.isRegularFile(archive)) {
            return readArchive(archive);
        }
        throw new DataException(location + ": no CIFAR-10 binary files (" + String.join(", ", TRAIN_FILES) + ", "
                + TEST_FILE + ") nor " + ARCHIVE + " here; pass --data DIR (or set EVONORM_DATA) pointing at them");
    }

    /** The folder that directly holds the batches: {@code location} or its {@value #FOLDER}. */
    private static Path batchFolder(Path location) {
        for (Path candidate : List.of(location, location.resolve(FOLDER))) {
            if (Files.isRegularFile(candidate.resolve(TEST_FILE))) {
                return candidate;
            }
        }
        return null;
    }

    private static TrainTestImages readFolder(Path folder) {
        List<RawImages> train = new ArrayList<>();
        for (String name : TRAIN_FILES) {
            train.add(readBatchFile(folder.resolve(name)));
        }
        return new TrainTestImages(RawImages.concat(train), readBatchFile(folder.resolve(TEST_FILE)));
    }

    /** Reads one batch file of any whole number of records. */
    public static RawImages readBatchFile(Path file) {
        try {
            return parseRecords(file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found (CIFAR-10 needs " + String.join(", ", TRAIN_FILES)
                    + " and " + TEST_FILE + "); " + FileProblems.FIX, e);
        } catch (IOException e) {
            throw FileProblems.damaged(file, "unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static TrainTestImages readArchive(Path archive) {
        Map<String, RawImages> batches = new HashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file, 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = Path.of(entry.getName()).getFileName().toString();
                boolean wanted = name.equals(TEST_FILE) || TRAIN_FILES.contains(name);
                if (!entry.isFile() || !wanted) {
                    continue;
                }
                byte[] content = tar.readNBytes(Math.toIntExact(entry.getSize()));
                if (content.length != entry.getSize()) {
                    throw FileProblems.damaged(archive, "truncated inside " + entry.getName());
                }
                batches.put(name, parseRecords(archive.resolve(entry.getName()), content));
            }
        } catch (IOException e) {
            throw FileProblems.damaged(archive, "unreadable or truncated archive (" + e.getMessage() + ")", e);
        }
        List<RawImages> train = new ArrayList<>();
        for (String name : TRAIN_FILES) {
            train.add(requireEntry(archive, batches, name));
        }
        return new TrainTestImages(RawImages.concat(train), requireEntry(archive, batches, TEST_FILE));
    }

    private static RawImages requireEntry(Path archive, Map<String, RawImages> batches, String name) {
        RawImages batch = batches.get(name);
        if (batch == null) {
            throw FileProblems.damaged(archive, "has no " + name + " (not the CIFAR-10 binary archive?)");
        }
        return batch;
    }

    private static RawImages parseRecords(Path source, byte[] content) {
        if (content.length == 0 || content.length % RECORD_BYTES != 0) {
            throw FileProblems.damaged(source, "size " + content.length + " is not a whole number of "
                    + RECORD_BYTES + "-byte records (truncated or not a CIFAR-10 binary batch)");
        }
        int count = content.length / RECORD_BYTES;
        int imageBytes = RECORD_BYTES - 1;
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * imageBytes];
        for (int i = 0; i < count; i++) {
            int record = i * RECORD_BYTES;
            int label = content[record] & 0xFF;
            if (label >= CLASSES) {
                throw FileProblems.damaged(source, "record " + i + " has label " + label + ", CIFAR-10 labels are 0-9");
            }
            labels[i] = (byte) label;
            System.arraycopy(content, record + 1, pixels, i * imageBytes, imageBytes);
        }
        return new RawImages(pixels, labels, CHANNELS, SIDE, SIDE);
    }
}

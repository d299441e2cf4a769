package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {
    private static final int PER_BATCH = 3;

    @TempDir
    Path folder;

    @Test
    void folderOfBatchesRoundTrips() throws IOException {
        TestFiles.writeCifarFolder(folder, PER_BATCH);

        TrainTestImages images = CifarBinaryReader.read(folder);

        assertGenerated(images);
    }

    @Test
    void batchesFolderInsideTheGivenFolderIsFound() throws IOException {
        TestFiles.writeCifarFolder(folder.resolve(CifarBinaryReader.FOLDER), PER_BATCH);

        assertTrue(CifarBinaryReader.isPresent(folder));
        assertGenerated(CifarBinaryReader.read(folder));
    }

    @Test
    void archiveIsReadWithoutUnpacking() throws IOException {
        Files.write(folder.resolve(CifarBinaryReader.ARCHIVE), TestFiles.cifarArchive(TestFiles.cifarFiles(PER_BATCH)));

        assertTrue(CifarBinaryReader.isPresent(folder));
        assertGenerated(CifarBinaryReader.read(folder));
        assertGenerated(CifarBinaryReader.read(folder.resolve(CifarBinaryReader.ARCHIVE)));
        assertFalse(Files.exists(folder.resolve(CifarBinaryReader.FOLDER)), "nothing unpacked to disk");
    }

    @Test
    void truncatedBatchNamesTheFile() throws IOException {
        TestFiles.writeCifarFolder(folder, PER_BATCH);
        Path third = folder.resolve("data_batch_3.bin");
        byte[] content = Files.readAllBytes(third);
        Files.write(third, Arrays.copyOf(content, content.length - 100));

        DataException error = assertThrows(DataException.class, () -> CifarBinaryReader.read(folder));

        IdxReaderTest.assertOneLineNaming(error, third);
    }

    @Test
    void labelOutsideTheTenClassesIsCorruption() throws IOException {
        TestFiles.writeCifarFolder(folder, PER_BATCH);
        Path test = folder.resolve(CifarBinaryReader.TEST_FILE);
        byte[] content = Files.readAllBytes(test);
        content[CifarBinaryReader.RECORD_BYTES] = 12;
        Files.write(test, content);

        DataException error = assertThrows(DataException.class, () -> CifarBinaryReader.read(folder));

        IdxReaderTest.assertOneLineNaming(error, test);
        assertTrue(error.getMessage().contains("label 12"), error.getMessage());
    }

    @Test
    void missingBatchIsNamed() throws IOException {
        TestFiles.writeCifarFolder(folder, PER_BATCH);
        Path fourth = folder.resolve("data_batch_4.bin");
        Files.delete(fourth);

        DataException error = assertThrows(DataException.class, () -> CifarBinaryReader.read(folder));

        IdxReaderTest.assertOneLineNaming(error, fourth);
    }

    @Test
    void archiveWithoutTheTestBatchIsReported() throws IOException {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>(TestFiles.cifarFiles(PER_BATCH));
        files.remove(CifarBinaryReader.TEST_FILE);
        Path archive = Files.write(folder.resolve(CifarBinaryReader.ARCHIVE), TestFiles.cifarArchive(files));

        DataException error = assertThrows(DataException.class, () -> CifarBinaryReader.read(folder));

        IdxReaderTest.assertOneLineNaming(error, archive);
        assertTrue(error.getMessage().contains(CifarBinaryReader.TEST_FILE), error.getMessage());
    }

    @Test
    void truncatedArchiveIsReported() throws IOException {
        byte[] archive = TestFiles.cifarArchive(TestFiles.cifarFiles(PER_BATCH));
        Path file = Files.write(folder.resolve(CifarBinaryReader.ARCHIVE), Arrays.copyOf(archive, archive.length / 2));

        DataException error = assertThrows(DataException.class, () -> CifarBinaryReader.read(folder));

        IdxReaderTest.assertOneLineNaming(error, file);
    }

    /** Five training batches in order, then the test batch, exactly as generated. */
    private static void assertGenerated(TrainTestImages images) {
        RawImages train = images.train();
        assertEquals(5 * PER_BATCH, train.count());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        for (int n = 0; n < train.count(); n++) {
            assertEquals(n % 10, train.label(n));
            for (int c = 0; c < 3; c++) {
                long offset = (long) n * 3072 + c * 1024 + 17 * 32 + 9;
                assertEquals(TestFiles.pixel(n, c, 17, 9), train.pixelAt(offset), "image " + n + " channel " + c);
            }
        }
        RawImages test = images.test();
        assertEquals(PER_BATCH, test.count());
        int firstTestImage = 5 * PER_BATCH;
        assertEquals(firstTestImage % 10, test.label(0));
        assertEquals(TestFiles.pixel(firstTestImage, 2, 31, 31), test.pixelAt(3071));
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own images: layout, channels, sizes, labels and every way a folder can be wrong. */
class ImageFolderFilesTest {
    @TempDir
    Path dir;

    /** A gray image whose pixel (y, x) is {@code base + y * width + x}. */
    static BufferedImage gray(int width, int height, int base) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (base + y * width + x) % 256);
            }
        }
        return image;
    }

    static BufferedImage rgb(int width, int height, int r, int g, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    static void write(Path file, BufferedImage image, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), format);
    }

    @Test
    void grayImagesKeepTheirExactValuesAndClassesAreSortedFolders() throws IOException {
        write(dir.resolve("train/zebra/a.png"), gray(4, 4, 100), "png");
        write(dir.resolve("train/ant/b.png"), gray(4, 4, 10), "png");
        write(dir.resolve("train/ant/a.png"), gray(4, 4, 0), "png");
        Files.writeString(dir.resolve("train/ant/notes.txt"), "not an image");
        write(dir.resolve("test/zebra/t.bmp"), gray(4, 4, 200), "bmp");

        TrainTestImages images = ImageFolderFiles.read(dir, Optional.empty());
        RawImages train = images.train();
        assertEquals(3, train.count());
        assertEquals(1, train.channels());
        assertEquals(4, train.height());
        // ant (0) first, its files in name order, then zebra (1).
        assertEquals(0, train.label(0));
        assertEquals(0, train.label(1));
        assertEquals(1, train.label(2));
        assertEquals(0, train.pixelAt(0));
        assertEquals(15, train.pixelAt(15));
        assertEquals(10, train.pixelAt(16));
        assertEquals(100 + 7, train.pixelAt(32 + 7));
        assertEquals(1, images.test().count());
        assertEquals(1, images.test().label(0));
        assertEquals(200 + 3, images.test().pixelAt(3));
    }

    @Test
    void colourImagesGiveThreePlanesAndAGrayOneAmongThemIsRepeated() throws IOException {
        write(dir.resolve("train/a/1.png"), rgb(2, 2, 10, 20, 30), "png");
        write(dir.resolve("train/b/1.png"), gray(2, 2, 50), "png");
        RawImages train = ImageFolderFiles.read(dir, Optional.empty()).train();
        assertEquals(3, train.channels());
        assertEquals(10, train.pixelAt(0));
        assertEquals(20, train.pixelAt(4));
        assertEquals(30, train.pixelAt(8));
        int second = 12;
        for (int c = 0; c < 3; c++) {
            assertEquals(50, train.pixelAt(second + c * 4));
            assertEquals(53, train.pixelAt(second + c * 4 + 3));
        }
        assertEquals(0, ImageFolderFiles.read(dir, Optional.empty()).test().count(), "no test/ folder: empty");
    }

    @Test
    void imagesOfDifferentSizesNeedAResizeAndAreThenAreaAveraged() throws IOException {
        write(dir.resolve("train/a/big.png"), rgb(8, 8, 100, 100, 100), "png");
        write(dir.resolve("train/b/small.png"), gray(2, 2, 40), "png");
        DataException error = assertThrows(DataException.class, () -> ImageFolderFiles.read(dir, Optional.empty()));
        assertTrue(error.getMessage().contains("small.png is 2x2 but"), error.getMessage());
        assertTrue(error.getMessage().contains("--resize SIDE"), error.getMessage());

        RawImages train = ImageFolderFiles.read(dir, Optional.of(4)).train();
        assertEquals(4, train.height());
        assertEquals(4, train.width());
        for (int i = 0; i < 16; i++) {
            assertEquals(100, train.pixelAt(i), "8x8 of 100 averages to 100");
        }
        // 2x2 enlarged to 4x4 repeats each pixel over a 2x2 block.
        int second = 3 * 16;
        assertArrayEquals(new int[] {40, 40, 41, 41, 40, 40, 41, 41, 42, 42, 43, 43, 42, 42, 43, 43},
                java.util.stream.IntStream.range(0, 16).map(i -> train.pixelAt(second + i)).toArray());
    }

    @Test
    void areaAveragingOfAPlaneMatchesTheMeanOfEachBlock() {
        byte[] plane = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, (byte) 130, (byte) 140, (byte) 150};
        byte[] half = ImageFolderFiles.scaled(plane, 4, 4, 2, 2);
        assertArrayEquals(new byte[] {25, 45, 105, 125}, half);
    }

    @Test
    void nonSquareImagesNeedAResize() throws IOException {
        write(dir.resolve("train/a/1.png"), gray(6, 4, 0), "png");
        write(dir.resolve("train/b/1.png"), gray(6, 4, 0), "png");
        DataException error = assertThrows(DataException.class, () -> ImageFolderFiles.read(dir, Optional.empty()));
        assertTrue(error.getMessage().contains("6x4") && error.getMessage().contains("square"), error.getMessage());
        assertEquals(3, ImageFolderFiles.read(dir, Optional.of(3)).train().width());
    }

    @Test
    void everyWayAFolderCanBeWrongIsOneLineNamingIt() throws IOException {
        assertMessage("has no train/ folder");
        write(dir.resolve("train/only/1.png"), gray(2, 2, 0), "png");
        assertMessage("1 class folder(s); a classifier needs at least two");
        Files.createDirectories(dir.resolve("train/empty"));
        assertMessage("train/empty holds no images");
        write(dir.resolve("train/empty/1.png"), gray(2, 2, 0), "png");
        write(dir.resolve("test/stranger/1.png"), gray(2, 2, 0), "png");
        assertMessage("test/stranger is a class the training set does not have");
        Files.walk(dir.resolve("test")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.write(dir.resolve("train/only/broken.png"), new byte[] {1, 2, 3, 4});
        assertMessage("broken.png: not an image this Java can read");
    }

    private void assertMessage(String expected) {
        DataException error = assertThrows(DataException.class, () -> ImageFolderFiles.read(dir, Optional.empty()));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertEquals(1, error.getMessage().lines().count());
    }

    @Test
    void theLoaderSplitsNormalizesAndDemandsAFolder() throws IOException {
        for (int i = 0; i < 20; i++) {
            write(dir.resolve("train/" + (i % 2 == 0 ? "even" : "odd") + "/" + i + ".png"), gray(6, 6, i * 5), "png");
        }
        DataConfig config = DataConfig.defaults(DatasetRegistry.IMAGE_FOLDER).withValidation(ValidationSplit.ofCount(4));
        DataException noFolder = assertThrows(DataException.class, () -> DatasetLoader.system().load(config));
        assertTrue(noFolder.getMessage().contains("pass --data DIR"), noFolder.getMessage());
        DataException missing = assertThrows(DataException.class,
                () -> DatasetLoader.system().load(config.withDataFolder(dir.resolve("nowhere"))));
        assertTrue(missing.getMessage().contains("no such folder"), missing.getMessage());

        DataSplits splits = DatasetLoader.system().load(config.withDataFolder(dir));
        assertEquals(16, splits.train().count());
        assertEquals(4, splits.validation().count());
        assertEquals(0, splits.test().count());
        assertEquals(2, splits.train().classes());
        assertEquals(DatasetRegistry.IMAGE_FOLDER, splits.spec().name());
        assertTrue(splits.normalization().isPresent());
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST from Debian's dataset-fashion-mnist package, which CI installs. */
class FashionMnistRealFilesTest {
    private static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void debianCopyParsesToTheOfficialShape() {
        assertTrue(Files.isDirectory(DEBIAN), DEBIAN + " is missing: apt-get install dataset-fashion-mnist");
        long start = System.nanoTime();
        TrainTestImages images = FashionMnistFiles.read(DEBIAN);
        long readMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(60_000, images.train().count());
        assertEquals(10_000, images.test().count());
        assertEquals(1, images.train().channels());
        assertEquals(28, images.train().height());
        assertEquals(28, images.train().width());

        ImageDataset train = ImageDataset.fromRaw("fashion-mnist/train", images.train(), 10);
        int[] sixThousandEach = new int[10];
        Arrays.fill(sixThousandEach, 6_000);
        assertEquals(Arrays.toString(sixThousandEach), Arrays.toString(train.labelHistogram()));
        int[] thousandEach = new int[10];
        Arrays.fill(thousandEach, 1_000);
        assertEquals(Arrays.toString(thousandEach),
                Arrays.toString(ImageDataset.fromRaw("t", images.test(), 10).labelHistogram()));
        System.out.println("fashion-mnist: read IDX files in " + readMillis + " ms");
    }

    @Test
    void fullLoadFromTheDebianFolder() {
        DataLocator locator = new DataLocator(name -> null, Path.of("/nonexistent-home"), null);
        long start = System.nanoTime();
        DataSplits splits = new DatasetLoader(locator).load(DataConfig.defaults("fashion-mnist"));
        long loadMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(54_000, splits.train().count());
        assertEquals(6_000, splits.validation().count());
        assertEquals(10_000, splits.test().count());
        // Fashion-MNIST's training pixels average about 0.286 with std about 0.353.
        float[] mean = splits.normalization().orElseThrow().mean();
        float[] std = splits.normalization().orElseThrow().std();
        assertEquals(0.286, mean[0], 0.005);
        assertEquals(0.353, std[0], 0.005);
        System.out.println("fashion-mnist: full load (read, split, normalize) in " + loadMillis + " ms");
    }
}

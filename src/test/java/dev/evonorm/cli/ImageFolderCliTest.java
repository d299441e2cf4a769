package dev.evonorm.cli;

import static dev.evonorm.cli.CliTest.assertUsageError;
import static dev.evonorm.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.cli.CliTest.Result;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training and searching on a user's own images (--dataset image-folder --data DIR). */
class ImageFolderCliTest {
    @TempDir
    Path dir;
    Path images;

    /** Two classes told apart by which half of a noisy 12×12 image is bright. */
    @BeforeEach
    void writeImages() throws Exception {
        images = dir.resolve("my-images");
        Random random = new Random(7);
        for (String split : new String[] {"train", "test"}) {
            int count = split.equals("train") ? 80 : 10;
            for (String label : new String[] {"left", "right"}) {
                Path folder = images.resolve(split).resolve(label);
                Files.createDirectories(folder);
                for (int n = 0; n < count; n++) {
                    BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 12; y++) {
                        for (int x = 0; x < 12; x++) {
                            boolean bright = label.equals("left") == x < 6;
                            int value = (bright ? 170 : 60) + random.nextInt(60) - 30;
                            image.getRaster().setSample(x, y, 0, value);
                        }
                    }
                    ImageIO.write(image, "png", folder.resolve(n + ".png").toFile());
                }
            }
        }
    }

    @Test
    void trainLearnsTheUsersOwnImages() {
        Result r = cli("train", "--dataset", "image-folder", "--data", images.toString(), "--layer", "evonorm-b0",
                "--arch", "resnet", "--validation", "40", "--batch-size", "16", "--steps", "30");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("image-folder"), r.out());
        String line = r.out().lines().filter(l -> l.contains("validation accuracy")).findFirst().orElseThrow();
        double accuracy = Double.parseDouble(line.replaceAll(".*validation accuracy[^0-9]*([0-9.]+).*", "$1"));
        assertTrue(accuracy > 75, "two classes, a visible cue, 30 steps: " + line);
    }

    @Test
    void aSearchRunsOnThemAndRemembersWhere() throws Exception {
        Path run = dir.resolve("run");
        Result r = cli(CliTest.search("--dataset", "image-folder", "--data", images.toString(), "--validation", "40",
                "--batch-size", "16", "--run", run.toString(), "--budget", "3"));
        assertEquals(0, r.code(), r.toString());
        try (RunStore store = RunStore.open(run.resolve(RunStore.FILE_NAME))) {
            assertEquals(3, store.completed().stream().filter(CandidateRecord::wasEvaluated).count());
        }
        Result resumed = cli("search", "--resume", run.toString(), "--budget", "4");
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.out().contains(images.toString()), "the run keeps its folder: " + resumed.out());
    }

    @Test
    void withoutAFolderItIsOneLineAndNoRun() {
        Path run = dir.resolve("never");
        assertUsageError(cli(CliTest.search("--dataset", "image-folder", "--run", run.toString(), "--budget", "2")),
                "pass --data DIR");
        assertFalse(Files.exists(run.resolve(RunStore.FILE_NAME)), "nothing stored");
        assertUsageError(cli("train", "--dataset", "image-folder", "--data", dir.resolve("nowhere").toString()),
                "no such folder");
        assertUsageError(cli("train", "--dataset", "image-folder", "--data", images.toString(), "--resize", "6",
                "--validation", "40"), "the images are 6x6; the proxy networks need at least 8x8: pass --resize 8");
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AreaResizeTest {
    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        // One 4x4 image, two channels; the second channel is the first plus 100.
        float[] pixels = new float[2 * 16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = i;
            pixels[16 + i] = i + 100;
        }
        ImageDataset image = ImageDataset.of("pattern", pixels, new int[] {3}, 2, 4, 4, 5);

        ImageDataset half = AreaResize.resize(image, 2, 2);

        assertEquals(2, half.height());
        assertEquals(2, half.width());
        assertEquals(3, half.label(0));
        // Block (0,0) holds 0,1,4,5 -> 2.5; (0,1): 2,3,6,7 -> 4.5; (1,0): 8,9,12,13 -> 10.5; (1,1) -> 12.5
        float[] expected = {2.5f, 4.5f, 10.5f, 12.5f, 102.5f, 104.5f, 110.5f, 112.5f};
        float[] actual = new float[8];
        half.copyImage(0, actual, 0);
        assertArrayEquals(expected, actual, 1e-5f);
    }

    @Test
    void nonIntegerFactorWeighsPartialPixelsByOverlap() {
        // 3 -> 2: output 0 covers input [0, 1.5): weights 2/3, 1/3; output 1 covers [1.5, 3): 1/3, 2/3.
        float[][] weights = AreaResize.overlapWeights(3, 2);
        assertArrayEquals(new float[] {2f / 3, 1f / 3, 0f}, weights[0], 1e-6f);
        assertArrayEquals(new float[] {0f, 1f / 3, 2f / 3}, weights[1], 1e-6f);

        ImageDataset row = ImageDataset.of("row", new float[] {0, 3, 6, 0, 3, 6, 0, 3, 6}, new int[] {0}, 1, 3, 3, 1);
        ImageDataset resized = AreaResize.resize(row, 2, 2);
        assertEquals(1f, resized.pixel(0, 0, 0, 0), 1e-5f);
        assertEquals(5f, resized.pixel(0, 0, 1, 1), 1e-5f);
    }

    @Test
    void constantImageStaysConstantAndMeanIsKept() {
        float[] pixels = new float[2 * 28 * 28];
        java.util.Arrays.fill(pixels, 0, 784, 0.25f);
        for (int i = 784; i < pixels.length; i++) {
            pixels[i] = (i % 7) / 7f;
        }
        ImageDataset images = ImageDataset.of("two", pixels, new int[] {0, 1}, 1, 28, 28, 2);

        ImageDataset small = AreaResize.resize(images, 14, 14);

        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 14; x++) {
                assertEquals(0.25f, small.pixel(0, 0, y, x), 1e-6f);
            }
        }
        assertEquals(ChannelStatistics.of(images).mean()[0], ChannelStatistics.of(small).mean()[0], 1e-5f);
    }

    @Test
    void upscalingIsRefused() {
        ImageDataset image = ImageDataset.of("tiny", new float[4], new int[] {0}, 1, 2, 2, 1);
        assertThrows(DataException.class, () -> AreaResize.resize(image, 3, 3));
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class FingerprintTest {
    private static ImageDataset dataset(float[] pixels, int[] labels) {
        return ImageDataset.of("d", pixels, labels, 1, 2, 2, 10);
    }

    @Test
    void theSameSplitHasTheSameFingerprintAndAnyChangeShowsInIt() {
        float[] pixels = new float[3 * 4 * 5000];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 97) / 97f;
        }
        int[] labels = new int[3 * 5000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        String base = dataset(pixels, labels).fingerprint();
        assertEquals(base, dataset(pixels.clone(), labels.clone()).fingerprint());

        float[] onePixel = pixels.clone();
        onePixel[pixels.length - 1] = Math.nextUp(onePixel[pixels.length - 1]); // the last chunk, one bit
        assertNotEquals(base, dataset(onePixel, labels).fingerprint());

        int[] oneLabel = labels.clone();
        oneLabel[0] = 9;
        assertNotEquals(base, dataset(pixels, oneLabel).fingerprint());

        assertNotEquals(base, ImageDataset.of("d", pixels, labels, 1, 4, 1, 10).fingerprint(), "the shape counts");
    }
}

package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** A 1-channel 3x4 image whose pixel (y, x) is 1 + 10y + x, so every position is recognisable. */
    private static final float[] IMAGE = {
        1, 2, 3, 4,
        11, 12, 13, 14,
        21, 22, 23, 24,
    };

    private final Augmenter augmenter = new Augmenter(new Augmentation(2, true), 1, 3, 4);

    @Test
    void flipMirrorsEachRow() {
        float[] out = new float[12];
        augmenter.apply(IMAGE, 0, out, 0, 0, 0, true);
        assertArrayEquals(new float[] {4, 3, 2, 1, 14, 13, 12, 11, 24, 23, 22, 21}, out);
    }

    @Test
    void cropShiftsContentAndPadsWithZero() {
        float[] out = new float[12];
        // Crop window moved one down and two right within the padded image.
        augmenter.apply(IMAGE, 0, out, 0, 1, 2, false);
        assertArrayEquals(new float[] {13, 14, 0, 0, 23, 24, 0, 0, 0, 0, 0, 0}, out);

        augmenter.apply(IMAGE, 0, out, 0, -1, -1, false);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 11, 12, 13}, out);
    }

    @Test
    void noShiftNoFlipIsTheIdentity() {
        float[] out = new float[12];
        augmenter.apply(IMAGE, 0, out, 0, 0, 0, false);
        assertArrayEquals(IMAGE, out);
    }

    @Test
    void sameSeedSameAugmentationsAndAllOffsetsOccur() {
        float[] first = new float[12 * 200];
        float[] second = new float[12 * 200];
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            augmenter.apply(IMAGE, 0, first, i * 12, a);
            augmenter.apply(IMAGE, 0, second, i * 12, b);
            float[] one = java.util.Arrays.copyOfRange(first, i * 12, i * 12 + 12);
            distinct.add(java.util.Arrays.toString(one));
        }
        assertArrayEquals(first, second);
        // 5 vertical x 5 horizontal offsets x 2 flips = 50 possible outcomes; 200 draws see most.
        assertTrue(distinct.size() > 35, "only " + distinct.size() + " distinct augmentations");
    }

    @Test
    void cropWithoutFlipNeverMirrors() {
        Augmenter cropOnly = new Augmenter(new Augmentation(1, false), 1, 3, 4);
        SplittableRandom random = new SplittableRandom(7);
        float[] out = new float[12];
        for (int i = 0; i < 100; i++) {
            cropOnly.apply(IMAGE, 0, out, 0, random);
            // Within each row, non-zero values always increase left to right.
            for (int y = 0; y < 3; y++) {
                float last = -1;
                for (int x = 0; x < 4; x++) {
                    float value = out[y * 4 + x];
                    if (value != 0) {
                        assertTrue(value > last, "mirrored row " + java.util.Arrays.toString(out));
                        last = value;
                    }
                }
            }
        }
    }

    @Test
    void paddingScalesWithTheImage() {
        assertEquals(new Augmentation(2, true), Augmentation.CROP_AND_FLIP.scaledTo(32, 16));
        assertEquals(Augmentation.NONE, Augmentation.NONE.scaledTo(28, 14));
    }

    @Test
    void theFlagReadsEveryFormAndWritesItBack() {
        assertEquals(java.util.Optional.empty(), Augmentation.parse("default"));
        for (String token : List.of("none", "flip", "crop:4", "crop:2+flip")) {
            assertEquals(token, Augmentation.parse(token).orElseThrow().token());
        }
        assertEquals(Augmentation.CROP_AND_FLIP, Augmentation.parse("flip+crop:4").orElseThrow());
        for (String bad : List.of("crop", "crop:-1", "flip+flip", "none+flip", "mirror", "")) {
            DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> Augmentation.parse(bad));
            assertTrue(e.getMessage().contains("is not one of default, none, flip, crop:P, crop:P+flip"), e.getMessage());
        }
    }
}

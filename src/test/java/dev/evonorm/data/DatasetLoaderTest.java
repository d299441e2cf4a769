package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-memory preparation on generated CIFAR-like data: splits, subsets, normalization, resizing. */
class DatasetLoaderTest {
    private static final int PER_BATCH = 40;
    private static final TrainTestImages IMAGES = generated();

    private static TrainTestImages generated() {
        java.util.List<RawImages> train = new java.util.ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            train.add(parse(TestFiles.cifarBatch(PER_BATCH, batch * PER_BATCH)));
        }
        return new TrainTestImages(RawImages.concat(train), parse(TestFiles.cifarBatch(PER_BATCH, 5 * PER_BATCH)));
    }

    private static RawImages parse(byte[] records) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("cifar", ".bin");
            java.nio.file.Files.write(file, records);
            RawImages images = CifarBinaryReader.readBatchFile(file);
            java.nio.file.Files.delete(file);
            return images;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DataSplits prepare(DataConfig config) {
        return DatasetLoader.prepare(DatasetRegistry.CIFAR10, IMAGES, config);
    }

    private static DataConfig unnormalized() {
        return DataConfig.defaults("cifar10").withNormalize(false);
    }

    /** Identifies an example by its content: the generator's first pixel is unique per image. */
    private static Set<Float> identities(ImageDataset split) {
        Set<Float> ids = new HashSet<>();
        for (int i = 0; i < split.count(); i++) {
            ids.add(split.pixel(i, 0, 0, 0) * 1000 + split.pixel(i, 1, 0, 1));
        }
        return ids;
    }

    @Test
    void validationIsHeldOutOfTrainingAndDisjoint() {
        DataSplits splits = prepare(unnormalized());

        assertEquals(20, splits.validation().count());
        assertEquals(180, splits.train().count());
        assertEquals(PER_BATCH, splits.test().count());
        Set<Float> train = identities(splits.train());
        Set<Float> validation = identities(splits.validation());
        assertEquals(180, train.size(), "generated images are distinct");
        Set<Float> overlap = new HashSet<>(identities(splits.train()));
        overlap.retainAll(validation);
        assertTrue(overlap.isEmpty(), "train and validation share " + overlap.size() + " examples");
        Set<Float> union = new HashSet<>(identities(splits.train()));
        union.addAll(validation);
        assertEquals(200, union.size(), "together they are the whole official training set");
    }

    @Test
    void splitIsDeterministicForASeedAndChangesWithIt() {
        ImageDataset first = prepare(unnormalized().withSeed(5)).validation();
        ImageDataset again = prepare(unnormalized().withSeed(5)).validation();
        ImageDataset other = prepare(unnormalized().withSeed(6)).validation();

        assertEquals(identities(first), identities(again));
        assertNotEquals(identities(first), identities(other));
    }

    @Test
    void subsetDoesNotChangeTheValidationSplit() {
        DataSplits full = prepare(unnormalized());
        DataSplits subset = prepare(unnormalized().withTrainingSubset(TrainingSubset.random(30)));

        assertEquals(30, subset.train().count());
        assertEquals(identities(full.validation()), identities(subset.validation()));
        assertTrue(identities(full.train()).containsAll(identities(subset.train())));
    }

    @Test
    void firstSubsetTakesTheFirstTrainingExamples() {
        DataSplits full = prepare(unnormalized());
        DataSplits first = prepare(unnormalized().withTrainingSubset(TrainingSubset.first(10)));

        for (int i = 0; i < 10; i++) {
            assertEquals(full.train().pixel(i, 2, 5, 5), first.train().pixel(i, 2, 5, 5));
            assertEquals(full.train().label(i), first.train().label(i));
        }
        ImageDataset randomA = prepare(unnormalized().withTrainingSubset(TrainingSubset.random(10))).train();
        ImageDataset randomB = prepare(unnormalized().withTrainingSubset(TrainingSubset.random(10))).train();
        assertEquals(identities(randomA), identities(randomB));
        assertNotEquals(identities(first.train()), identities(randomA));
    }

    @Test
    void fixedValidationCount() {
        DataSplits splits = prepare(unnormalized().withValidation(ValidationSplit.ofCount(33)));
        assertEquals(33, splits.validation().count());
        assertEquals(167, splits.train().count());
        assertThrows(DataException.class, () -> prepare(unnormalized().withValidation(ValidationSplit.ofCount(200))));
    }

    @Test
    void normalizationUsesTrainingStatisticsOnly() {
        DataSplits raw = prepare(unnormalized());
        DataSplits normalized = prepare(DataConfig.defaults("cifar10"));

        ChannelStatistics onTrain = ChannelStatistics.of(normalized.train());
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, onTrain.mean()[c], 1e-4f, "channel " + c + " mean");
            assertEquals(1f, onTrain.std()[c], 1e-3f, "channel " + c + " std");
        }
        ChannelStatistics used = normalized.normalization().orElseThrow();
        assertArrayEquals(ChannelStatistics.of(raw.train()).mean(), used.mean(), 1e-6f);
        assertArrayEquals(ChannelStatistics.of(raw.train()).std(), used.std(), 1e-6f);
        // Validation and test are mapped with the same (training) statistics, not their own.
        for (int c = 0; c < 3; c++) {
            float expected = (raw.test().pixel(3, c, 7, 8) - used.mean()[c]) / used.std()[c];
            assertEquals(expected, normalized.test().pixel(3, c, 7, 8), 1e-5f);
            float expectedValidation = (raw.validation().pixel(1, c, 0, 31) - used.mean()[c]) / used.std()[c];
            assertEquals(expectedValidation, normalized.validation().pixel(1, c, 0, 31), 1e-5f);
        }
    }

    @Test
    void resizeHappensAtLoadAndScalesTheCrop() {
        DataSplits splits = prepare(unnormalized().withResizeTo(16));
        DataSplits full = prepare(unnormalized());

        assertEquals(16, splits.train().height());
        assertEquals(16, splits.test().width());
        float expected = (full.test().pixel(0, 1, 4, 6) + full.test().pixel(0, 1, 4, 7)
                + full.test().pixel(0, 1, 5, 6) + full.test().pixel(0, 1, 5, 7)) / 4;
        assertEquals(expected, splits.test().pixel(0, 1, 2, 3), 1e-6f);
        assertEquals(new Augmentation(2, true), splits.augmentation());
    }

    @Test
    void augmentationDefaultsPerDatasetAndCanBeOverridden() {
        assertEquals(Augmentation.CROP_AND_FLIP, prepare(unnormalized()).augmentation());
        assertEquals(Augmentation.NONE, prepare(unnormalized().withAugmentation(Augmentation.NONE)).augmentation());
        assertEquals(new Augmentation(4, false), prepare(unnormalized().withResizeTo(16)
                .withAugmentation(new Augmentation(4, false))).augmentation(), "a given crop is in trained pixels");
    }

    @Test
    void pixelsAreScaledToUnitRange() {
        DataSplits splits = prepare(unnormalized());
        assertEquals(TestFiles.pixel(5 * PER_BATCH, 2, 9, 4) / 255f, splits.test().pixel(0, 2, 9, 4), 1e-7f);
    }
}

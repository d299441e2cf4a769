package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchSamplingTest {
    /** 10 images of 2x3x3; image n's pixels are all n + channel/10, its label n % 4. */
    private static final ImageDataset SPLIT = numbered(10);

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private static ImageDataset numbered(int count) {
        int size = 2 * 3 * 3;
        float[] pixels = new float[count * size];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < size; i++) {
                pixels[n * size + i] = n + (i / 9) / 10f;
            }
            labels[n] = n % 4;
        }
        return ImageDataset.of("numbered", pixels, labels, 2, 3, 3, 4);
    }

    /** Which images a batch holds, read back from the NDArray. */
    private static int[] imagesIn(DataBatch batch) {
        float[] data = batch.data().toFloatArray();
        int[] images = new int[batch.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = Math.round(data[i * 18]);
        }
        return images;
    }

    @Test
    void batchesHaveTheDeclaredShapesTypesAndMatchingLabels() {
        TrainingSampler sampler = new TrainingSampler(SPLIT, 4, Augmentation.NONE, LabelType.INT32, 1);
        try (DataBatch batch = sampler.next(manager)) {
            assertEquals(new Shape(4, 2, 3, 3), batch.data().getShape());
            assertEquals(DataType.FLOAT32, batch.data().getDataType());
            assertEquals(new Shape(4), batch.labels().getShape());
            assertEquals(DataType.INT32, batch.labels().getDataType());
            int[] images = imagesIn(batch);
            int[] labels = batch.labels().toIntArray();
            float[] data = batch.data().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(images[i] % 4, labels[i]);
                assertEquals(images[i] + 0.1f, data[i * 18 + 9], 1e-6f, "second channel");
            }
        }
        TrainingSampler floatLabels = new TrainingSampler(SPLIT, 4, Augmentation.NONE, LabelType.FLOAT32, 1);
        try (DataBatch batch = floatLabels.next(manager)) {
            assertEquals(DataType.FLOAT32, batch.labels().getDataType());
        }
    }

    @Test
    void eachEpochVisitsEveryExampleOnceInANewOrder() {
        TrainingSampler sampler = new TrainingSampler(SPLIT, 5, Augmentation.NONE, LabelType.INT32, 3);
        List<int[]> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[10];
            for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
                try (DataBatch batch = sampler.next(manager)) {
                    System.arraycopy(imagesIn(batch), 0, seen, b * 5, 5);
                }
            }
            epochs.add(seen);
            int[] sorted = seen.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted, "epoch " + epoch);
        }
        assertTrue(!Arrays.equals(epochs.get(0), epochs.get(1)) || !Arrays.equals(epochs.get(1), epochs.get(2)),
                "the order changes between epochs");
    }

    @Test
    void sameSeedSameBatchesDifferentSeedDifferentBatches() {
        AugmentedRun first = run(11);
        AugmentedRun second = run(11);
        AugmentedRun other = run(12);
        assertArrayEquals(first.data, second.data);
        assertArrayEquals(first.labels, second.labels);
        assertNotEquals(Arrays.toString(first.data), Arrays.toString(other.data));
    }

    private record AugmentedRun(float[] data, int[] labels) {
    }

    private AugmentedRun run(long seed) {
        TrainingSampler sampler = new TrainingSampler(SPLIT, 3, new Augmentation(1, true), LabelType.INT32, seed);
        float[] data = new float[0];
        int[] labels = new int[0];
        Iterator<DataBatch> steps = sampler.steps(manager, 7);
        int count = 0;
        while (steps.hasNext()) {
            try (DataBatch batch = steps.next()) {
                data = concat(data, batch.data().toFloatArray());
                labels = concat(labels, batch.labels().toIntArray());
            }
            count++;
        }
        assertEquals(7, count);
        return new AugmentedRun(data, labels);
    }

    @Test
    void aBatchDoesNotChangeWhenTheNextOneIsBuilt() {
        TrainingSampler sampler = new TrainingSampler(SPLIT, 5, Augmentation.NONE, LabelType.INT32, 9);
        try (DataBatch first = sampler.next(manager)) {
            float[] before = first.data().toFloatArray();
            try (DataBatch second = sampler.next(manager)) {
                assertNotEquals(Arrays.toString(before), Arrays.toString(second.data().toFloatArray()));
            }
            assertArrayEquals(before, first.data().toFloatArray());
        }
    }

    @Test
    void evaluationCoversTheSplitExactlyOnceInOrder() {
        EvaluationBatches evaluation = new EvaluationBatches(SPLIT, 4);
        assertEquals(3, evaluation.batchCount());
        List<Integer> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            seen.clear();
            sizes.clear();
            Iterator<DataBatch> batches = evaluation.iterator(manager);
            while (batches.hasNext()) {
                try (DataBatch batch = batches.next()) {
                    sizes.add(batch.size());
                    for (int image : imagesIn(batch)) {
                        seen.add(image);
                    }
                    assertEquals(new Shape(batch.size(), 2, 3, 3), batch.data().getShape());
                }
            }
            assertEquals(List.of(4, 4, 2), sizes);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        }
    }

    @Test
    void batchLargerThanTheSplitIsAOneLineError() {
        DataException training = assertThrows(DataException.class,
                () -> new TrainingSampler(SPLIT, 11, Augmentation.NONE, LabelType.INT32, 0));
        assertEquals("batch size 11 is larger than numbered (10 examples); use a batch size of at most 10"
                + " or a larger split", training.getMessage());
        assertThrows(DataException.class, () -> new EvaluationBatches(SPLIT, 11));
        assertThrows(DataException.class, () -> new EvaluationBatches(SPLIT, 0));
    }

    @Test
    void closedBatchesLeaveNothingOnTheManager() {
        ImageDataset larger = numbered(64);
        TrainingSampler sampler = new TrainingSampler(larger, 32, new Augmentation(1, true), LabelType.INT32, 0);
        EvaluationBatches evaluation = new EvaluationBatches(larger, 20);
        int before = manager.getManagedArrays().size();
        for (int step = 0; step < 2_000; step++) {
            try (DataBatch batch = sampler.next(manager)) {
                assertEquals(32, batch.size());
                assertEquals(before + 2, manager.getManagedArrays().size());
            }
            if (step % 500 == 0) {
                evaluation.iterator(manager).forEachRemaining(DataBatch::close);
            }
        }
        assertEquals(before, manager.getManagedArrays().size(), "every batch array was released");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}

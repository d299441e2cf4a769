package dev.evonorm.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Endless training batches from one split: each epoch visits the examples in a new seeded order
 * and yields {@code floor(n / batchSize)} full batches (the remainder waits for a later epoch's
 * order, so every batch has the same shape). Augmentation, if any, is drawn from the same seeded
 * generator, so a sampler is reproducible from (split, batch size, augmentation, seed).
 *
 * <p>Arrays are created on the manager passed to {@link #next}; the caller closes them. Not
 * thread-safe: use one sampler per training loop.
 */
public final class TrainingSampler {
    private final ImageDataset split;
    private final int batchSize;
    private final Augmenter augmenter;
    private final SplittableRandom random;
    private final BatchAssembler assembler;
    private final int[] order;
    private int position;
    private int epoch;

    public TrainingSampler(ImageDataset split, int batchSize, Augmentation augmentation, LabelType labelType,
                           long seed) {
        BatchSizes.check(split, batchSize);
        this.split = split;
        this.batchSize = batchSize;
        this.augmenter = augmentation.isNone() ? null
                : new Augmenter(augmentation, split.channels(), split.height(), split.width());
        this.random = new SplittableRandom(seed);
        this.assembler = new BatchAssembler(split, batchSize, labelType);
        this.order = new int[split.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        startEpoch();
        this.epoch = 0;
    }

    /** The training split of {@code splits} with its augmentation and int labels. */
    public static TrainingSampler forTraining(DataSplits splits, int batchSize, long seed) {
        return new TrainingSampler(splits.train(), batchSize, splits.augmentation(), LabelType.INT32, seed);
    }

    public DataBatch next(NDManager manager) {
        if (position + batchSize > order.length) {
            startEpoch();
        }
        DataBatch batch = assembler.assemble(manager, order, position, position + batchSize, augmenter, random);
        position += batchSize;
        return batch;
    }

    /** Exactly {@code steps} batches, then the iterator ends; the sampler keeps its state after. */
    public Iterator<DataBatch> steps(NDManager manager, int steps) {
        return new Iterator<>() {
            private int produced;

            @Override
            public boolean hasNext() {
                return produced < steps;
            }

            @Override
            public DataBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                produced++;
                return TrainingSampler.this.next(manager);
            }
        };
    }

    /** Completed passes over the split so far (0 during the first one). */
    public int epoch() {
        return epoch;
    }

    public int batchesPerEpoch() {
        return split.count() / batchSize;
    }

    private void startEpoch() {
        SeededIndices.shuffle(order, random);
        position = 0;
        epoch++;
    }
}

package dev.evonorm.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Sequential, unaugmented batches that cover a split exactly once, in order; the last batch is
 * smaller when the split does not divide evenly. For validation (fitness) and test accuracy.
 * Arrays are created on the caller's manager and are the caller's to close.
 */
public final class EvaluationBatches {
    private final ImageDataset split;
    private final int batchSize;
    private final LabelType labelType;
    private final int[] identity;

    public EvaluationBatches(ImageDataset split, int batchSize, LabelType labelType) {
        BatchSizes.check(split, batchSize);
        this.split = split;
        this.batchSize = batchSize;
        this.labelType = labelType;
        this.identity = new int[split.count()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
    }

    public EvaluationBatches(ImageDataset split, int batchSize) {
        this(split, batchSize, LabelType.INT32);
    }

    public int batchCount() {
        return (split.count() + batchSize - 1) / batchSize;
    }

    /** A fresh pass over the split; several passes may run one after another. */
    public Iterator<DataBatch> iterator(NDManager manager) {
        BatchAssembler assembler = new BatchAssembler(split, batchSize, labelType);
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() {
                return position < identity.length;
            }

            @Override
            public DataBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(position + batchSize, identity.length);
                DataBatch batch = assembler.assemble(manager, identity, position, end, null, null);
                position = end;
                return batch;
            }
        };
    }
}

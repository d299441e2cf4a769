package dev.evonorm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Copies chosen examples straight into the native memory of a new batch, skipping DJL's
 * Dataset/Batchifier machinery.
 *
 * <p>Why a fresh direct buffer per batch rather than one reused buffer: the PyTorch engine wraps a
 * direct buffer without copying it (tests show a later write shows through), so reusing one would
 * silently change batches the caller still holds. What is reused is the per-image scratch array
 * that augmentation writes into.
 */
final class BatchAssembler {
    private final ImageDataset split;
    private final LabelType labelType;
    private final float[] imageScratch;
    private final int[] labelScratch;

    BatchAssembler(ImageDataset split, int maxBatchSize, LabelType labelType) {
        this.split = split;
        this.labelType = labelType;
        this.imageScratch = new float[split.imageSize()];
        this.labelScratch = new int[maxBatchSize];
    }

    /** Builds a batch of the examples {@code indices[from..to)}; {@code augmenter} may be null. */
    DataBatch assemble(NDManager manager, int[] indices, int from, int to, Augmenter augmenter,
                       java.util.SplittableRandom random) {
        int batch = to - from;
        int imageSize = split.imageSize();
        ByteBuffer bytes = manager.allocateDirect(batch * imageSize * Float.BYTES);
        FloatBuffer floats = bytes.asFloatBuffer();
        float[] source = split.pixelArray();
        for (int i = 0; i < batch; i++) {
            int example = indices[from + i];
            if (augmenter == null) {
                floats.put(source, example * imageSize, imageSize);
            } else {
                augmenter.apply(source, example * imageSize, imageScratch, 0, random);
                floats.put(imageScratch, 0, imageSize);
            }
            labelScratch[i] = split.label(example);
        }
        bytes.rewind();
        NDArray data = manager.create(bytes, new Shape(batch, split.channels(), split.height(), split.width()),
                DataType.FLOAT32);
        NDArray labels = createLabels(manager, batch);
        return new DataBatch(data, labels);
    }

    private NDArray createLabels(NDManager manager, int batch) {
        if (labelType == LabelType.INT32) {
            return manager.create(java.util.Arrays.copyOf(labelScratch, batch));
        }
        float[] asFloat = new float[batch];
        for (int i = 0; i < batch; i++) {
            asFloat[i] = labelScratch[i];
        }
        return manager.create(asFloat);
    }
}

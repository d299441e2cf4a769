package dev.evonorm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * One batch: {@code data} of shape (B, C, H, W) float32 and {@code labels} of shape (B).
 * Both live on the manager the caller passed in and belong to the caller, who must close them
 * (close this batch, or the manager) — the samplers keep no reference to them.
 */
public record DataBatch(NDArray data, NDArray labels) implements AutoCloseable {
    public int size() {
        return Math.toIntExact(labels.size());
    }

    /** The data as DJL's trainers expect it: a one-element list. */
    public NDList dataList() {
        return new NDList(data);
    }

    public NDList labelList() {
        return new NDList(labels);
    }

    @Override
    public void close() {
        data.close();
        labels.close();
    }
}

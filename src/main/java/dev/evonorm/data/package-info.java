/**
 * Datasets for the proxy task: Fashion-MNIST (IDX) and CIFAR-10 (binary).
 *
 * <p>Typical use:
 * <pre>{@code
 * DataSplits splits = DatasetLoader.system().load(DataConfig.defaults("fashion-mnist").withResizeTo(14));
 * TrainingSampler sampler = TrainingSampler.forTraining(splits, 128, seed);
 * try (DataBatch batch = sampler.next(manager)) { ... }          // caller closes every batch
 * for (Iterator<DataBatch> it = new EvaluationBatches(splits.validation(), 256).iterator(manager); it.hasNext(); ) {
 *     try (DataBatch batch = it.next()) { ... }
 * }
 * }</pre>
 *
 * <p>Ownership: every {@code NDArray} a sampler returns is created on the manager the caller
 * passes and is the caller's to close (close the {@link dev.evonorm.data.DataBatch}, or a
 * sub-manager per step). Samplers keep no reference to them, so memory stays bounded as long as
 * batches are closed. Datasets in memory are immutable and may be shared between samplers.
 *
 * <p>Files are located by {@link dev.evonorm.data.DataLocator} (explicit folder, then
 * {@code EVONORM_DATA}, then Debian's package folder, then {@code ~/.cache/evonorm/<dataset>}),
 * downloaded with SHA-256 verification if absent everywhere. Problems a user can fix surface as
 * {@link dev.evonorm.data.DataException} with a one-line message naming the file and the fix.
 */
package dev.evonorm.data;

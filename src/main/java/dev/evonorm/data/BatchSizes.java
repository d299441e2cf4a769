package dev.evonorm.data;

/** The one check every sampler makes on its batch size. */
final class BatchSizes {
    private BatchSizes() {
    }

    static void check(ImageDataset split, int batchSize) {
        if (batchSize <= 0) {
            throw new DataException("batch size " + batchSize + " must be at least 1");
        }
        if (batchSize > split.count()) {
            throw new DataException("batch size " + batchSize + " is larger than " + split.name() + " ("
                    + split.count() + " examples); use a batch size of at most " + split.count()
                    + " or a larger split");
        }
    }
}

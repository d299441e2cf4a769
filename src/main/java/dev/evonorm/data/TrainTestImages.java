package dev.evonorm.data;

/** The official training and test parts of a dataset as read from its files. */
public record TrainTestImages(RawImages train, RawImages test) {
}

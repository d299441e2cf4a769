package dev.evonorm.data;

import ai.djl.ndarray.types.DataType;

/** The data type of label arrays: int32 class indices, or the same values as float32 (some losses want that). */
public enum LabelType {
    INT32(DataType.INT32),
    FLOAT32(DataType.FLOAT32);

    private final DataType dataType;

    LabelType(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }
}

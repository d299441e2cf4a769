package dev.evonorm.models;

/**
 * One row of a MobileNetV2/EfficientNet/MnasNet stage table.
 *
 * @param kernel depthwise kernel size (3 or 5)
 * @param expansion hidden width = input width × expansion; 1 means no expansion conv
 * @param channels output channels before the width multiplier
 * @param repeats blocks in the stage before the depth multiplier
 * @param stride stride of the first block (the others use 1)
 * @param seRatio squeeze-excite reduced width as a fraction of the block's input width; 0 = no SE
 */
public record InvertedResidualStage(int kernel, int expansion, int channels, int repeats, int stride,
        double seRatio) {

    public InvertedResidualStage {
        if (kernel % 2 == 0 || kernel < 1) {
            throw new IllegalArgumentException("kernel must be odd, got " + kernel);
        }
        if (expansion < 1 || channels < 1 || repeats < 1 || (stride != 1 && stride != 2)) {
            throw new IllegalArgumentException("bad stage " + this);
        }
        if (seRatio < 0 || seRatio > 1) {
            throw new IllegalArgumentException("seRatio must be in [0, 1], got " + seRatio);
        }
    }

    public boolean hasSqueezeExcite() {
        return seRatio > 0;
    }
}

package dev.evonorm.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The convolutions the architectures use. None has a bias: each is followed by a norm-act block
 * whose affine part (or the absence of one, for "no normalization") decides the offset, as in the
 * original networks.
 */
final class Convolutions {
    private Convolutions() {
    }

    /** A k×k dense convolution with "same" padding (halved spatial size when stride is 2). */
    static Block dense(int outChannels, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(outChannels)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    /** A 1×1 convolution: channel mixing only. */
    static Block pointwise(int outChannels) {
        return dense(outChannels, 1, 1);
    }

    /** A k×k depthwise convolution: one filter per channel ({@code groups = channels}). */
    static Block depthwise(int channels, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(channels)
                .optGroups(channels)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }
}

package org.facestream.detect;

import org.facestream.model.DetectorKind;

/**
 * How a detector is run.
 *
 * @param inputSize the frame's longer side is scaled to this many pixels (a multiple of 32, 64 to 4096)
 * @param scoreThreshold faces scoring below this are dropped, in [0, 1]
 * @param nmsIouThreshold a face overlapping a higher-scoring one by more than this IoU is dropped, in (0, 1]
 * @param followFrame true: a frame whose longer side is shorter than {@code inputSize} is detected at its own size
 *     (rounded up to a multiple of 32 by padding), never upscaled; false: every image is scaled to {@code
 *     inputSize} (the portrait recipe measured on LFW, where faces fill the photo)
 */
public record DetectorSettings(int inputSize, float scoreThreshold, float nmsIouThreshold, boolean followFrame) {
    public DetectorSettings {
        if (inputSize < 64 || inputSize > 4096 || inputSize % 32 != 0) {
            throw new IllegalArgumentException("expected inputSize a multiple of 32 in [64, 4096], found " + inputSize);
        }
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("expected scoreThreshold in [0, 1], found " + scoreThreshold);
        }
        if (!(nmsIouThreshold > 0 && nmsIouThreshold <= 1)) {
            throw new IllegalArgumentException("expected nmsIouThreshold in (0, 1], found " + nmsIouThreshold);
        }
    }

    /** Settings that scale every image to {@code inputSize}. */
    public DetectorSettings(int inputSize, float scoreThreshold, float nmsIouThreshold) {
        this(inputSize, scoreThreshold, nmsIouThreshold, false);
    }

    /** The longer side an image of {@code width} x {@code height} is scaled to before padding. */
    public int inputSideFor(int width, int height) {
        int longer = Math.max(width, height);
        return followFrame ? Math.min(inputSize, longer) : inputSize;
    }

    /** The upstream thresholds of a detector family at the given input size. */
    public static DetectorSettings defaults(DetectorKind kind, int inputSize) {
        return new DetectorSettings(inputSize, kind.defaultScoreThreshold(), kind.defaultNmsIouThreshold());
    }
}

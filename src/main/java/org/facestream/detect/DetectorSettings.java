package org.facestream.detect;

import org.facestream.model.DetectorKind;

/**
 * How a detector is run.
 *
 * @param inputSize the frame's longer side is scaled to this many pixels (a multiple of 32, 64 to 4096)
 * @param scoreThreshold faces scoring below this are dropped, in [0, 1]
 * @param nmsIouThreshold a face overlapping a higher-scoring one by more than this IoU is dropped, in (0, 1]
 */
public record DetectorSettings(int inputSize, float scoreThreshold, float nmsIouThreshold) {
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

    /** The upstream thresholds of a detector family at the given input size. */
    public static DetectorSettings defaults(DetectorKind kind, int inputSize) {
        return new DetectorSettings(inputSize, kind.defaultScoreThreshold(), kind.defaultNmsIouThreshold());
    }
}

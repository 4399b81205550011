package org.facestream.events;

import java.util.List;

/**
 * Quality measures of one detected face, carried on every observation so the worker can drop faces below
 * configured minimums and the matcher can weight evidence.
 *
 * @param detectorScore detector confidence in [0, 1]
 * @param interOcularPx distance between the eye centres in pixels of the source frame
 * @param sharpness variance of the Laplacian of the aligned grey crop (higher is sharper; unitless)
 * @param yawDegrees head yaw estimated from the landmarks, signed degrees (0 = frontal)
 * @param rollDegrees in-plane rotation of the eye line, signed degrees
 * @param embeddingNorm L2 norm of the raw embedding before normalisation (ArcFace-family quality cue)
 */
public record FaceQuality(
        float detectorScore,
        float interOcularPx,
        float sharpness,
        float yawDegrees,
        float rollDegrees,
        float embeddingNorm) {
    public FaceQuality {
        if (!(detectorScore >= 0 && detectorScore <= 1)) {
            throw new IllegalArgumentException("expected detectorScore in [0, 1], found " + detectorScore);
        }
        Validation.requireFinite("interOcularPx", interOcularPx);
        Validation.requireFinite("sharpness", sharpness);
        Validation.requireFinite("yawDegrees", yawDegrees);
        Validation.requireFinite("rollDegrees", rollDegrees);
        Validation.requireFinite("embeddingNorm", embeddingNorm);
    }

    /** The reasons {@link #refusal(Gate)} gives, in the order it checks them. */
    public static final List<String> REFUSALS = List.of("low-score", "too-small");

    /** Why this face fails {@code gate} ({@code low-score} or {@code too-small}), or null when it passes. */
    public String refusal(Gate gate) {
        if (detectorScore < gate.minDetectorScore()) {
            return REFUSALS.get(0);
        }
        if (interOcularPx < gate.minInterOcularPx()) {
            return REFUSALS.get(1);
        }
        return null;
    }

    /**
     * The one definition of a face-quality minimum. FaceStream uses two instances with different values on
     * purpose: the worker's ({@code worker.quality.*}: the faces worth observing at all) and the adaptive
     * threshold's feed (stricter: only faces whose scores are trusted as null samples).
     *
     * @param minDetectorScore faces with a lower detector score fail, in [0, 1]
     * @param minInterOcularPx faces whose eyes are closer than this many source pixels fail, at least 0
     */
    public record Gate(double minDetectorScore, double minInterOcularPx) {
        public Gate {
            if (!(minDetectorScore >= 0 && minDetectorScore <= 1)) {
                throw new IllegalArgumentException("expected minDetectorScore in [0, 1], found " + minDetectorScore);
            }
            if (!(minInterOcularPx >= 0 && minInterOcularPx <= 10_000)) {
                throw new IllegalArgumentException(
                        "expected minInterOcularPx in [0, 10000], found " + minInterOcularPx);
            }
        }

        /** Whether {@code quality} passes this gate. */
        public boolean admits(FaceQuality quality) {
            return quality.refusal(this) == null;
        }
    }
}

package org.facestream.events;

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
}

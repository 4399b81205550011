package org.facestream.vision;

import java.util.Objects;
import org.facestream.detect.DetectedFace;
import org.facestream.events.FaceQuality;
import org.opencv.core.Mat;

/**
 * A detected face warped to the embedder's template and measured, before it is embedded: everything the
 * worker's best-shot choice needs (detector score, eye distance, sharpness, pose) at the cost of one small
 * warp, so only the faces worth it pay for the embedder. Owns its crop: {@link #close} releases it. Not
 * thread-safe.
 *
 * @param face the detection, in source pixels
 * @param crop the aligned BGR crop (the embedder's input size)
 * @param interOcularPx distance between the eye landmarks in source pixels
 * @param sharpness variance of the Laplacian of the grey crop (higher is sharper)
 * @param yawDegrees head yaw estimated from the landmarks, signed degrees
 * @param rollDegrees in-plane rotation of the eye line, signed degrees
 */
public record AlignedFace(
        DetectedFace face, Mat crop, double interOcularPx, double sharpness, double yawDegrees, double rollDegrees)
        implements AutoCloseable {
    public AlignedFace {
        Objects.requireNonNull(face, "face");
        Objects.requireNonNull(crop, "crop");
    }

    /** The quality measures, with the raw embedding norm once the face is embedded (0 before). */
    public FaceQuality quality(float embeddingNorm) {
        return new FaceQuality(
                face.score(),
                (float) interOcularPx,
                (float) sharpness,
                (float) yawDegrees,
                (float) rollDegrees,
                embeddingNorm);
    }

    @Override
    public void close() {
        crop.release();
    }
}

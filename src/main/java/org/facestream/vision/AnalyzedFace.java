package org.facestream.vision;

import java.util.Arrays;
import java.util.Objects;
import org.facestream.detect.DetectedFace;
import org.facestream.embed.Embedding;
import org.facestream.events.FaceQuality;

/**
 * One face found and embedded by a {@link FaceAnalyzer}.
 *
 * @param face the detection (box, landmarks, score) in source pixels
 * @param quality detector score, inter-ocular distance, sharpness, yaw/roll and raw embedding norm
 * @param embedding the L2-normalised embedding
 * @param thumbnailJpeg JPEG of the aligned crop, or null when thumbnails are off
 */
public record AnalyzedFace(DetectedFace face, FaceQuality quality, float[] embedding, byte[] thumbnailJpeg) {
    public AnalyzedFace {
        Objects.requireNonNull(face, "face");
        Objects.requireNonNull(quality, "quality");
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException(
                    "expected a non-empty embedding, found " + (embedding == null ? "null" : "length 0"));
        }
        embedding = embedding.clone();
        thumbnailJpeg = thumbnailJpeg == null ? null : thumbnailJpeg.clone();
    }

    @Override
    public float[] embedding() {
        return embedding.clone();
    }

    @Override
    public byte[] thumbnailJpeg() {
        return thumbnailJpeg == null ? null : thumbnailJpeg.clone();
    }

    /** Cosine similarity with another face's embedding, in [-1, 1]. */
    public double cosine(AnalyzedFace other) {
        return Embedding.cosine(embedding, other.embedding);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnalyzedFace a
                && face.equals(a.face)
                && quality.equals(a.quality)
                && Arrays.equals(embedding, a.embedding)
                && Arrays.equals(thumbnailJpeg, a.thumbnailJpeg);
    }

    @Override
    public int hashCode() {
        return Objects.hash(face, quality, Arrays.hashCode(embedding), Arrays.hashCode(thumbnailJpeg));
    }

    @Override
    public String toString() {
        return "AnalyzedFace[" + face + ", " + quality + ", dimension=" + embedding.length + "]";
    }
}

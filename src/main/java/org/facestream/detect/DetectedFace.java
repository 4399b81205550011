package org.facestream.detect;

import java.util.Arrays;
import java.util.Objects;
import org.facestream.events.BoundingBox;

/**
 * One face found by a {@link FaceDetector}.
 *
 * @param box face box in pixels of the source frame (may reach slightly outside it)
 * @param landmarks five points as x0,y0..x4,y4 in source pixels: right eye (image left), left eye, nose tip,
 *     right mouth corner, left mouth corner
 * @param score detector confidence in [0, 1]
 */
public record DetectedFace(BoundingBox box, float[] landmarks, float score) {
    public DetectedFace {
        Objects.requireNonNull(box, "box");
        if (landmarks == null || landmarks.length != 10) {
            throw new IllegalArgumentException(
                    "expected 10 landmark coordinates, found " + (landmarks == null ? "null" : landmarks.length));
        }
        for (float v : landmarks) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("expected finite landmarks, found " + Arrays.toString(landmarks));
            }
        }
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("expected score in [0, 1], found " + score);
        }
        landmarks = landmarks.clone();
    }

    @Override
    public float[] landmarks() {
        return landmarks.clone();
    }

    /** x of landmark {@code i} (0..4). */
    public float landmarkX(int i) {
        return landmarks[2 * i];
    }

    /** y of landmark {@code i} (0..4). */
    public float landmarkY(int i) {
        return landmarks[2 * i + 1];
    }

    /** Distance between the two eye landmarks in source pixels. */
    public float interOcularPx() {
        return (float) Math.hypot(landmarks[2] - landmarks[0], landmarks[3] - landmarks[1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectedFace f
                && box.equals(f.box)
                && Arrays.equals(landmarks, f.landmarks)
                && Float.compare(score, f.score) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(box, Arrays.hashCode(landmarks), score);
    }

    @Override
    public String toString() {
        return "DetectedFace[box=" + box + ", score=" + score + ", landmarks=" + Arrays.toString(landmarks) + "]";
    }
}

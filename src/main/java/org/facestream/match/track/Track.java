package org.facestream.match.track;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.facestream.events.BoundingBox;

/**
 * A worker track of one camera as the matcher holds it: its embedded faces fused by quality.
 *
 * @param trackId the worker's track id ({@code FaceTrack.trackId})
 * @param cameraId the camera
 * @param box the last box, in source pixels
 * @param fused the quality-weighted mean of the track's embeddings, L2-normalised
 * @param evidence sum of the observations' quality weights (grows with every embedded face)
 * @param observations embedded faces fused so far
 * @param firstSeen capture time of the track's first face (the worker's)
 * @param lastSeen capture time of the last face
 * @param lastObservationId the last face's observation id
 */
public record Track(
        String trackId,
        String cameraId,
        BoundingBox box,
        float[] fused,
        double evidence,
        int observations,
        Instant firstSeen,
        Instant lastSeen,
        String lastObservationId) {
    public Track {
        Objects.requireNonNull(trackId, "trackId");
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        if (fused == null || fused.length == 0) {
            throw new IllegalArgumentException(
                    "expected a fused embedding, found " + (fused == null ? "null" : "length 0"));
        }
        if (!(evidence > 0) || observations < 1) {
            throw new IllegalArgumentException(
                    "expected positive evidence and observations, found " + evidence + ", " + observations);
        }
        fused = fused.clone();
    }

    @Override
    public float[] fused() {
        return fused.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Track t
                && trackId.equals(t.trackId)
                && observations == t.observations
                && Arrays.equals(fused, t.fused)
                && lastSeen.equals(t.lastSeen);
    }

    @Override
    public int hashCode() {
        return trackId.hashCode() * 31 + observations;
    }

    @Override
    public String toString() {
        return "Track[" + trackId + ", observations=" + observations + ", evidence=" + evidence + "]";
    }
}

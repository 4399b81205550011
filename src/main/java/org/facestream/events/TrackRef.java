package org.facestream.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The track an identity event decided, when the matcher decides per track: one face the vision worker followed
 * across frames of one camera ({@link FaceTrack}), whose embedded faces the matcher fuses by quality. The event's
 * subject, score and threshold are those of the fused embedding; the event id is the observation id of the face
 * that triggered the decision.
 *
 * @param trackId the worker's track id, {@code cameraId/ingestRun/t<frameSequence>.<k>}, stable for the track's life
 * @param observations faces of the track so far, embedded or not (the worker's count)
 * @param evidence sum of the quality weights (each in (0, 1]) of its embedded faces fused so far
 * @param firstSeen capture time of the track's first face
 * @param decision 1 for the track's first decision, then 2, 3, ... each time its evidence has grown enough
 */
public record TrackRef(String trackId, int observations, double evidence, Instant firstSeen, int decision) {
    public TrackRef {
        if (trackId == null || trackId.isBlank()) {
            throw new IllegalArgumentException("expected a track id, found none");
        }
        if (observations < 1 || !(evidence > 0) || decision < 1) {
            throw new IllegalArgumentException("expected observations >= 1, evidence > 0 and decision >= 1, found "
                    + observations + ", " + evidence + ", " + decision);
        }
        Objects.requireNonNull(firstSeen, "firstSeen");
    }
}

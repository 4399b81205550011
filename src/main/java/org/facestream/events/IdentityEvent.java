package org.facestream.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The matcher's decision for one face observation, written to {@link Topics#IDENTITIES} as a CloudEvents
 * 1.0 JSON document (see {@code topologies/schemas/identity-event.md}).
 *
 * @param id event id, equal to the observation id ({@code cameraId/frameSequence/faceIndex}), so a
 *     replayed observation yields the same id and consumers can de-duplicate
 * @param subjectId the matched subject, or null when the face is unknown
 * @param score best cosine similarity against the gallery in [-1, 1] (-1 when the gallery is empty)
 * @param bestCandidateId the subject with the best score whether or not it passed, null for an empty gallery
 * @param threshold the threshold that decided
 * @param cameraId camera of the frame
 * @param frameSequence frame sequence within the camera
 * @param faceIndex face index within the frame
 * @param capturedAt when the frame was captured
 * @param decidedAt when the matcher decided
 * @param box face box in source pixels
 * @param quality face quality
 * @param modelPackId model pack of the observation
 * @param galleryVersion number of gallery changes the matcher had applied when it decided
 * @param candidates the top-k candidates, best first
 * @param track the track this event decides when the matcher decides per track, or null when it decides
 *     each face on its own
 */
public record IdentityEvent(
        String id,
        String subjectId,
        double score,
        String bestCandidateId,
        ThresholdRef threshold,
        String cameraId,
        long frameSequence,
        int faceIndex,
        Instant capturedAt,
        Instant decidedAt,
        BoundingBox box,
        FaceQuality quality,
        String modelPackId,
        long galleryVersion,
        List<Candidate> candidates,
        TrackRef track) {

    /** CloudEvents {@code type} of identity events. */
    public static final String TYPE = "org.facestream.identity.v1";

    /** Subject value of the CloudEvents envelope when no enrolled subject passed the threshold. */
    public static final String UNKNOWN = "unknown";

    public IdentityEvent {
        Validation.requireId("cameraId", cameraId);
        String expectedId = FaceObservation.idOf(cameraId, frameSequence, faceIndex);
        if (!expectedId.equals(id)) {
            throw new IllegalArgumentException("expected id " + expectedId + ", found " + id);
        }
        if (subjectId != null) {
            Validation.requireId("subjectId", subjectId);
        }
        if (!(score >= -1 && score <= 1)) {
            throw new IllegalArgumentException("expected score in [-1, 1], found " + score);
        }
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(capturedAt, "capturedAt");
        Objects.requireNonNull(decidedAt, "decidedAt");
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(quality, "quality");
        Validation.requireId("modelPackId", modelPackId);
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /** An event deciding one face on its own (no track). */
    public IdentityEvent(
            String id,
            String subjectId,
            double score,
            String bestCandidateId,
            ThresholdRef threshold,
            String cameraId,
            long frameSequence,
            int faceIndex,
            Instant capturedAt,
            Instant decidedAt,
            BoundingBox box,
            FaceQuality quality,
            String modelPackId,
            long galleryVersion,
            List<Candidate> candidates) {
        this(
                id,
                subjectId,
                score,
                bestCandidateId,
                threshold,
                cameraId,
                frameSequence,
                faceIndex,
                capturedAt,
                decidedAt,
                box,
                quality,
                modelPackId,
                galleryVersion,
                candidates,
                null);
    }

    /** A copy deciding {@code track}. */
    public IdentityEvent withTrack(TrackRef track) {
        return new IdentityEvent(
                id,
                subjectId,
                score,
                bestCandidateId,
                threshold,
                cameraId,
                frameSequence,
                faceIndex,
                capturedAt,
                decidedAt,
                box,
                quality,
                modelPackId,
                galleryVersion,
                candidates,
                track);
    }

    /** A copy listing only {@code kept} of its candidates (a reader leaving out an erased subject). */
    public IdentityEvent withCandidates(List<Candidate> kept) {
        return new IdentityEvent(
                id,
                subjectId,
                score,
                bestCandidateId,
                threshold,
                cameraId,
                frameSequence,
                faceIndex,
                capturedAt,
                decidedAt,
                box,
                quality,
                modelPackId,
                galleryVersion,
                kept,
                track);
    }

    /** True when an enrolled subject passed the threshold. */
    public boolean isMatch() {
        return subjectId != null;
    }

    /** The CloudEvents subject: the subject id or {@value #UNKNOWN}. */
    public String subjectOrUnknown() {
        return subjectId == null ? UNKNOWN : subjectId;
    }

    /**
     * One ranked gallery candidate.
     *
     * @param subjectId the candidate subject
     * @param score its best template cosine in [-1, 1]
     */
    public record Candidate(String subjectId, double score) {
        public Candidate {
            Validation.requireId("subjectId", subjectId);
            if (!(score >= -1.0001 && score <= 1.0001)) {
                throw new IllegalArgumentException("expected candidate score in [-1, 1], found " + score);
            }
        }
    }
}

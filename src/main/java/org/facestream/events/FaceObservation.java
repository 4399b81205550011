package org.facestream.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One face found in one frame by a vision worker, written to {@link Topics#FACES} keyed by camera id.
 *
 * @param observationId {@link #idOf(String, String, long, int) cameraId/ingestRun/frameSequence/faceIndex}:
 *     the same for every copy of one observation (a retry, a re-delivery), different for every other face, also
 *     across restarts of the camera's ingest; identity events take it as their id, so consumers de-duplicate
 *     by it
 * @param cameraId camera that captured the frame
 * @param ingestRun the frame's ingest run ({@link Frame#ingestRun()}); null for frames without one (layout 1),
 *     whose observation ids are {@code cameraId/frameSequence/faceIndex}
 * @param frameSequence sequence number of the frame within its camera's ingest run
 * @param faceIndex index of the face within the frame (detector order, highest score first)
 * @param capturedAt when the frame was captured
 * @param observedAt when the worker finished embedding the face
 * @param frameWidth width of the source frame in pixels
 * @param frameHeight height of the source frame in pixels
 * @param box face box in pixels of the source frame
 * @param landmarks five landmarks as x0,y0..x4,y4 in source pixels: right eye (image left), left eye, nose
 *     tip, right mouth corner, left mouth corner
 * @param quality quality measures of the face
 * @param embedding the L2-normalised embedding (length = the model pack's dimension)
 * @param modelPackId the model pack that produced detection and embedding; the matcher refuses others
 * @param thumbnailJpeg a small JPEG of the aligned face for dashboards, or null when not configured
 * @param track the worker's track of this face (stable id across the camera's frames, faces and shots so far),
 *     or null from a worker that does not track
 */
public record FaceObservation(
        String observationId,
        String cameraId,
        String ingestRun,
        long frameSequence,
        int faceIndex,
        Instant capturedAt,
        Instant observedAt,
        int frameWidth,
        int frameHeight,
        BoundingBox box,
        float[] landmarks,
        FaceQuality quality,
        float[] embedding,
        String modelPackId,
        byte[] thumbnailJpeg,
        FaceTrack track) {

    public FaceObservation {
        Validation.requireId("cameraId", cameraId);
        Validation.requireRunOrNull(ingestRun);
        String expectedId = idOf(cameraId, ingestRun, frameSequence, faceIndex);
        if (!expectedId.equals(observationId)) {
            throw new IllegalArgumentException("expected observationId " + expectedId + ", found " + observationId);
        }
        Objects.requireNonNull(capturedAt, "capturedAt");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(quality, "quality");
        if (landmarks == null || landmarks.length != 10) {
            throw new IllegalArgumentException(
                    "expected 10 landmark coordinates, found " + (landmarks == null ? "null" : landmarks.length));
        }
        landmarks = Validation.requireEmbedding("landmarks", landmarks);
        embedding = Validation.requireEmbedding("embedding", embedding);
        Validation.requireId("modelPackId", modelPackId);
        thumbnailJpeg = thumbnailJpeg == null ? null : thumbnailJpeg.clone();
    }

    /** An observation of a frame without an ingest run (layout 1 frames), without a track. */
    public FaceObservation(
            String observationId,
            String cameraId,
            long frameSequence,
            int faceIndex,
            Instant capturedAt,
            Instant observedAt,
            int frameWidth,
            int frameHeight,
            BoundingBox box,
            float[] landmarks,
            FaceQuality quality,
            float[] embedding,
            String modelPackId,
            byte[] thumbnailJpeg) {
        this(
                observationId,
                cameraId,
                null,
                frameSequence,
                faceIndex,
                capturedAt,
                observedAt,
                frameWidth,
                frameHeight,
                box,
                landmarks,
                quality,
                embedding,
                modelPackId,
                thumbnailJpeg,
                null);
    }

    /**
     * The observation id of a face: {@code cameraId/ingestRun/frameSequence/faceIndex}, or {@code
     * cameraId/frameSequence/faceIndex} when the frame has no ingest run. Camera ids and runs hold no slash, so
     * the parts can be told apart.
     */
    public static String idOf(String cameraId, String ingestRun, long frameSequence, int faceIndex) {
        return ingestRun == null
                ? cameraId + "/" + frameSequence + "/" + faceIndex
                : cameraId + "/" + ingestRun + "/" + frameSequence + "/" + faceIndex;
    }

    /** The observation id of a face of a frame without an ingest run: {@code cameraId/frameSequence/faceIndex}. */
    public static String idOf(String cameraId, long frameSequence, int faceIndex) {
        return idOf(cameraId, null, frameSequence, faceIndex);
    }

    @Override
    public float[] landmarks() {
        return landmarks.clone();
    }

    @Override
    public float[] embedding() {
        return embedding.clone();
    }

    @Override
    public byte[] thumbnailJpeg() {
        return thumbnailJpeg == null ? null : thumbnailJpeg.clone();
    }

    /** A copy with another embedding (a track's fused one): same face, box, quality and provenance. */
    public FaceObservation withEmbedding(float[] other) {
        return new FaceObservation(
                observationId,
                cameraId,
                ingestRun,
                frameSequence,
                faceIndex,
                capturedAt,
                observedAt,
                frameWidth,
                frameHeight,
                box,
                landmarks,
                quality,
                other,
                modelPackId,
                thumbnailJpeg,
                track);
    }

    /** A copy without the thumbnail (for consumers that must not keep face images). */
    public FaceObservation withoutThumbnail() {
        return new FaceObservation(
                observationId,
                cameraId,
                ingestRun,
                frameSequence,
                faceIndex,
                capturedAt,
                observedAt,
                frameWidth,
                frameHeight,
                box,
                landmarks,
                quality,
                embedding,
                modelPackId,
                null,
                track);
    }

    /** A copy on {@code other} track (null: none). */
    public FaceObservation withTrack(FaceTrack other) {
        return new FaceObservation(
                observationId,
                cameraId,
                ingestRun,
                frameSequence,
                faceIndex,
                capturedAt,
                observedAt,
                frameWidth,
                frameHeight,
                box,
                landmarks,
                quality,
                embedding,
                modelPackId,
                thumbnailJpeg,
                other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaceObservation f
                && observationId.equals(f.observationId)
                && capturedAt.equals(f.capturedAt)
                && observedAt.equals(f.observedAt)
                && frameWidth == f.frameWidth
                && frameHeight == f.frameHeight
                && box.equals(f.box)
                && Arrays.equals(landmarks, f.landmarks)
                && quality.equals(f.quality)
                && Arrays.equals(embedding, f.embedding)
                && modelPackId.equals(f.modelPackId)
                && Arrays.equals(thumbnailJpeg, f.thumbnailJpeg)
                && Objects.equals(track, f.track);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observationId, capturedAt, box) * 31 + Arrays.hashCode(embedding);
    }

    @Override
    public String toString() {
        return "FaceObservation[" + observationId + ", box=" + box + ", dim=" + embedding.length + ", pack="
                + modelPackId + (track == null ? "" : ", track=" + track.trackId() + "#" + track.shot()) + "]";
    }
}

package org.facestream.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * The worker's track of an observed face: one person followed across the frames of one camera by box motion
 * and overlap (no embedding involved). Every observation of a tracking worker carries it; a worker restart or
 * a rebalance starts new tracks.
 *
 * @param trackId {@code cameraId/ingestRun/t<frameSequence>.<k>} ({@code cameraId/t<frameSequence>.<k>} for frames
 *     without an ingest run): the frame that started the track and the index of the starting face among that
 *     frame's detections; derived from the data, so a frame analysed again after an aborted transaction starts the
 *     same track id, and ids never repeat, since a camera's frame sequence restarts only with a new ingest run
 * @param firstSeen capture time of the track's first face
 * @param faces faces the track has had so far, this one included (faces that were not embedded count too)
 * @param shot embedded faces of the track so far, this one included: 1 for the track's first observation
 * @param reason why this face was embedded
 * @param shotQuality the face's best-shot quality score in [0, 1] (see {@code worker.bestshot.*} in the README)
 */
public record FaceTrack(String trackId, Instant firstSeen, int faces, int shot, Reason reason, double shotQuality) {
    public FaceTrack {
        if (trackId == null || trackId.isBlank() || trackId.length() > 200) {
            throw new IllegalArgumentException("expected a track id of 1-200 characters, found "
                    + (trackId == null ? "null" : "'" + trackId + "'"));
        }
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(reason, "reason");
        if (shot < 1 || faces < shot) {
            throw new IllegalArgumentException("expected shot >= 1 and faces >= shot, found shot " + shot + " of "
                    + faces + " faces on track " + trackId);
        }
        if (!(shotQuality >= 0 && shotQuality <= 1)) {
            throw new IllegalArgumentException(
                    "expected shotQuality in [0, 1], found " + shotQuality + " on track " + trackId);
        }
    }

    /**
     * The track id of the {@code index}-th face of frame {@code frameSequence} of ingest run {@code ingestRun} (or
     * null) of {@code cameraId}, starting a track: the run keeps two ingests' tracks apart, as it keeps their
     * observation ids apart.
     */
    public static String idOf(String cameraId, String ingestRun, long frameSequence, int index) {
        return (ingestRun == null ? cameraId : cameraId + "/" + ingestRun) + "/t" + frameSequence + "." + index;
    }

    /** Why the worker embedded a tracked face; written as its code. */
    public enum Reason {
        /** The track's first face that passed the quality gate. */
        START("start"),
        /** A clearly better shot than the track's best so far ({@code worker.bestshot.min.gain}). */
        BETTER("better"),
        /** The track's last embedding is older than {@code worker.bestshot.interval.ms}. */
        INTERVAL("interval"),
        /** Every face is embedded ({@code worker.embed=every-face}). */
        EVERY_FACE("every-face");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @JsonValue
        public String code() {
            return code;
        }

        /** The reason with this code. */
        @JsonCreator
        public static Reason of(String code) {
            for (Reason r : values()) {
                if (r.code.equals(code)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(
                    "expected a shot reason (start, better, interval, every-face), found " + code);
        }

        @Override
        public String toString() {
            return code;
        }
    }
}

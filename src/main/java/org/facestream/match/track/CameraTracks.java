package org.facestream.match.track;

import java.util.List;
import java.util.Objects;

/**
 * The fused worker tracks of one camera, the value of the {@code track-by-camera} store. Kept whole per camera:
 * cameras are the partition key, so one task owns each value, and a camera's tracks expire together as its
 * capture time advances.
 *
 * @param tracks the retained tracks, oldest first
 * @param startedTracks tracks the matcher has started for this camera so far
 */
public record CameraTracks(List<TrackState> tracks, long startedTracks) {
    public CameraTracks {
        tracks = List.copyOf(Objects.requireNonNull(tracks, "tracks"));
        if (startedTracks < tracks.size()) {
            throw new IllegalArgumentException(
                    "expected at least " + tracks.size() + " started tracks, found " + startedTracks);
        }
    }

    /** A camera seen for the first time. */
    public static final CameraTracks EMPTY = new CameraTracks(List.of(), 0);

    /**
     * One active track and what its next decision depends on.
     *
     * @param track the track (fused embedding, evidence, boxes, times)
     * @param sumNorm norm of the quality-weighted embedding sum ({@code fused} times it is the sum itself, so
     *     further faces fuse exactly without storing the sum)
     * @param evidenceAtDecision the track's evidence when it was last decided
     * @param decisions decisions made so far
     */
    public record TrackState(Track track, double sumNorm, double evidenceAtDecision, int decisions) {
        public TrackState {
            Objects.requireNonNull(track, "track");
            if (!(sumNorm > 0) || !Double.isFinite(sumNorm) || evidenceAtDecision < 0 || decisions < 0) {
                throw new IllegalArgumentException(
                        "expected sumNorm > 0, evidenceAtDecision >= 0 and decisions >= 0, found " + sumNorm + ", "
                                + evidenceAtDecision + ", " + decisions);
            }
        }
    }
}

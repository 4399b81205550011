package org.facestream.match;

import java.util.Objects;
import org.facestream.match.track.TrackFusion;

/**
 * Whether the matcher decides every face on its own or decides per worker track (the tracks the vision worker
 * follows, {@code FaceObservation.track}): one event per track decision, the false-alarm target per track; store
 * {@value MatcherTopology#TRACK_BY_CAMERA}.
 */
public sealed interface Tracking {
    /** Every face decided on its own. */
    Tracking PER_FACE = new PerFace();

    /** Deciding per track with {@code settings}. */
    static Tracking perTrack(TrackFusion.Config settings) {
        return new PerTrack(settings);
    }

    record PerFace() implements Tracking {}

    /** @param settings how a track's faces are fused, kept and decided again */
    record PerTrack(TrackFusion.Config settings) implements Tracking {
        public PerTrack {
            Objects.requireNonNull(settings, "settings");
        }
    }
}

package org.facestream.match;

import java.util.Objects;
import org.facestream.match.track.TrackAssociator;

/**
 * Whether the matcher decides every face on its own or follows faces across frames and decides per track
 * (one event per track decision, the false-alarm target per track; store {@value MatcherTopology#TRACK_BY_CAMERA}).
 */
public sealed interface Tracking {
    /** Every face decided on its own. */
    Tracking PER_FACE = new PerFace();

    /** Deciding per track with {@code settings}. */
    static Tracking perTrack(TrackAssociator.Config settings) {
        return new PerTrack(settings);
    }

    record PerFace() implements Tracking {}

    /** @param settings how faces join tracks and when a track is decided again */
    record PerTrack(TrackAssociator.Config settings) implements Tracking {
        public PerTrack {
            Objects.requireNonNull(settings, "settings");
        }
    }
}

package org.facestream.match;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.events.FaceObservation;
import org.facestream.events.TrackRef;
import org.facestream.match.track.CameraTracks;
import org.facestream.match.track.Track;
import org.facestream.match.track.TrackFusion;

/**
 * How {@code match-observation} turns a readable face into an outcome: decide every face, or add it to its
 * camera's tracks and decide the track when a decision is due ({@link Tracking}). One per processor.
 */
interface FaceDecider {
    /** Called from the processor's {@code init}: takes the stores it needs. */
    void init(ProcessorContext<?, ?> context);

    /** The outcome for {@code observation}, or empty when it joined a track with no decision due. */
    Optional<ObservationMatcher.Outcome> decide(FaceObservation observation);

    static FaceDecider of(Tracking tracking, ObservationMatcher matcher, Clock clock) {
        return switch (tracking) {
            case Tracking.PerFace perFace -> new PerFace(matcher, clock);
            case Tracking.PerTrack perTrack -> new PerTrack(matcher, clock, new TrackFusion(perTrack.settings()));
        };
    }

    /** Every face decided on its own. */
    final class PerFace implements FaceDecider {
        private final ObservationMatcher matcher;
        private final Clock clock;

        PerFace(ObservationMatcher matcher, Clock clock) {
            this.matcher = Objects.requireNonNull(matcher, "matcher");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {}

        @Override
        public Optional<ObservationMatcher.Outcome> decide(FaceObservation observation) {
            return Optional.of(matcher.match(observation, clock.instant()));
        }
    }

    /**
     * The worker's tracks fused per camera in {@value MatcherTopology#TRACK_BY_CAMERA}; a track decided on its
     * fused embedding. An observation without a track (from a worker that does not track) is decided on its own.
     */
    final class PerTrack implements FaceDecider {
        private final ObservationMatcher matcher;
        private final Clock clock;
        private final TrackFusion fusion;
        private KeyValueStore<String, CameraTracks> tracks;

        PerTrack(ObservationMatcher matcher, Clock clock, TrackFusion fusion) {
            this.matcher = Objects.requireNonNull(matcher, "matcher");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.fusion = Objects.requireNonNull(fusion, "fusion");
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
            tracks = context.getStateStore(MatcherTopology.TRACK_BY_CAMERA);
        }

        /**
         * Faces that cannot be compared are refused before they touch a track, so a bad record never corrupts
         * one. A track's later decisions are re-decisions: the adaptive policy counts each track's evidence once.
         */
        @Override
        public Optional<ObservationMatcher.Outcome> decide(FaceObservation observation) {
            ObservationMatcher.Outcome.Refused refused = matcher.check(observation);
            if (refused != null) {
                return Optional.of(refused);
            }
            if (observation.track() == null) {
                return Optional.of(matcher.match(observation, clock.instant()));
            }
            CameraTracks state = tracks.get(observation.cameraId());
            TrackFusion.Fusion a = fusion.fuse(state == null ? CameraTracks.EMPTY : state, observation);
            tracks.put(observation.cameraId(), a.next());
            if (!a.decide()) {
                return Optional.empty();
            }
            Track t = a.track();
            ObservationMatcher.Outcome outcome =
                    matcher.match(observation.withEmbedding(t.fused()), clock.instant(), a.decision() > 1);
            if (outcome instanceof ObservationMatcher.Outcome.Identified id) {
                return Optional.of(new ObservationMatcher.Outcome.Identified(id.event()
                        .withTrack(new TrackRef(
                                t.trackId(), observation.track().faces(), t.evidence(), t.firstSeen(), a.decision()))));
            }
            return Optional.of(outcome);
        }
    }
}

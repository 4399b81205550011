package org.facestream.match;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.facestream.events.DeadLetters;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.Ranking;

/**
 * The matcher's decision logic without Kafka: checks that an observation is comparable with the gallery,
 * ranks it, asks the policy and builds the identity event. The {@code match-observation} processor is a
 * thin shell around it, and the API can reuse it to identify an uploaded photo.
 *
 * <p>Thread-safe when the policy is: it holds no mutable state besides the (thread-safe) index.
 */
public final class ObservationMatcher {
    private final MatcherConfig cfg;
    private final ThresholdPolicy policy;
    private final GalleryIndex index;

    public ObservationMatcher(MatcherConfig cfg, ThresholdPolicy policy, GalleryIndex index) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.index = Objects.requireNonNull(index, "index");
    }

    /** What became of one observation. */
    public sealed interface Outcome {
        /** Decided: the event to publish (a match or an unknown). */
        record Identified(IdentityEvent event) implements Outcome {}

        /**
         * Refused: the observation cannot be compared with this gallery and goes to the dead-letter topic.
         *
         * @param reason a {@link DeadLetters.Reason} code
         * @param detail a sentence for operators
         */
        record Refused(DeadLetters.Reason reason, String detail) implements Outcome {}
    }

    /** Decides {@code observation} against the gallery as it is now; {@code decidedAt} is stamped on the event. */
    public Outcome match(FaceObservation observation, Instant decidedAt) {
        return match(observation, decidedAt, false);
    }

    /**
     * As {@link #match(FaceObservation, Instant)}; a {@code redecision} (a track's later decision) is decided
     * with {@link ThresholdPolicy#redecide}, so it does not count twice towards the adaptive estimate.
     */
    public Outcome match(FaceObservation observation, Instant decidedAt, boolean redecision) {
        Outcome.Refused refused = check(observation);
        if (refused != null) {
            return refused;
        }
        float[] probe = observation.embedding();
        Ranking ranking;
        try {
            ranking = index.search(probe, cfg.topK());
        } catch (IllegalArgumentException e) {
            // The gallery's dimension became known between the check above and the search (first record).
            return new Outcome.Refused(
                    DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH,
                    e.getMessage() + " on observation " + observation.observationId());
        }
        Decision decision = redecision ? policy.redecide(observation, ranking) : policy.decide(observation, ranking);
        return new Outcome.Identified(event(observation, ranking, decision, decidedAt));
    }

    /**
     * Why {@code observation} cannot be compared with this gallery (another model pack, another dimension,
     * an all-zero embedding), or null when it can.
     */
    public Outcome.Refused check(FaceObservation observation) {
        if (!cfg.modelPackId().equals(observation.modelPackId())) {
            return new Outcome.Refused(
                    DeadLetters.Reason.MODEL_PACK_MISMATCH,
                    "expected model pack " + cfg.modelPackId() + ", found " + observation.modelPackId()
                            + " on observation " + observation.observationId());
        }
        float[] probe = observation.embedding();
        int expected = cfg.dimension() > 0 ? cfg.dimension() : index.dimension();
        if (expected > 0 && probe.length != expected) {
            return new Outcome.Refused(
                    DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH,
                    "expected embedding length " + expected + ", found " + probe.length + " on observation "
                            + observation.observationId());
        }
        double squaredNorm = 0;
        for (float v : probe) {
            squaredNorm += v * v;
        }
        if (!(squaredNorm > 0)) {
            return new Outcome.Refused(
                    DeadLetters.Reason.EMBEDDING_ZERO_NORM,
                    "expected a non-zero embedding, found all zeros on observation " + observation.observationId());
        }
        return null;
    }

    private static IdentityEvent event(
            FaceObservation observation, Ranking ranking, Decision decision, Instant decidedAt) {
        List<IdentityEvent.Candidate> candidates = ranking.candidates().stream()
                .map(c -> new IdentityEvent.Candidate(c.subjectId(), c.score()))
                .toList();
        return new IdentityEvent(
                observation.observationId(),
                decision.subjectId(),
                decision.score(),
                ranking.bestSubjectId(),
                decision.threshold(),
                observation.cameraId(),
                observation.ingestRun(),
                observation.frameSequence(),
                observation.faceIndex(),
                observation.capturedAt(),
                decidedAt,
                observation.box(),
                observation.quality(),
                observation.modelPackId(),
                ranking.galleryVersion(),
                candidates,
                null);
    }
}

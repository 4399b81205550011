package org.facestream.match;

import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.gallery.Ranking;

/**
 * Decides whether a face observation is an enrolled subject or unknown, given the gallery's ranking for its
 * embedding.
 *
 * <p>The decision sits behind this interface so that the fixed cosine threshold ({@link FixedThreshold})
 * can be replaced by an adaptive one (a GB-CosFace-style threshold tuned to a target false-positive
 * identification rate, which moves with the gallery's size and the quality of the face) without touching
 * the topology. Every decision names the threshold that made it ({@link Decision#threshold()}), so identity
 * events stay auditable when the threshold changes.
 *
 * <p>Implementations are shared by every stream thread of a matcher instance and must be thread-safe;
 * {@link #decide} should be pure or at least cheap and non-blocking, as it runs once per face.
 */
public interface ThresholdPolicy {
    /**
     * Decides one observation.
     *
     * @param ranking the gallery's top-k subjects for the observation's embedding, best first; empty when no
     *     subject is enrolled
     * @param quality quality of the observed face (an adaptive policy may demand more of poor faces)
     * @return the matched subject (or null for unknown), the score the decision rests on, and the threshold
     */
    Decision decide(Ranking ranking, FaceQuality quality);

    /**
     * Decides one observation, with the probe itself at hand: a policy that looks at the embedding (the
     * adaptive threshold scores it against an impostor cohort) overrides this; the default ignores it.
     *
     * @param observation the observed face (embedding, camera, quality)
     * @param ranking the gallery's top-k subjects for its embedding
     */
    default Decision decide(FaceObservation observation, Ranking ranking) {
        return decide(ranking, observation.quality());
    }

    /**
     * Decides again a probe whose evidence an adaptive policy has already counted: a track's later decisions,
     * on its fused embedding. The false-alarm target is per track, so only a track's first decision may feed
     * the estimator; the default is {@link #decide(FaceObservation, Ranking)}.
     */
    default Decision redecide(FaceObservation observation, Ranking ranking) {
        return decide(observation, ranking);
    }
}

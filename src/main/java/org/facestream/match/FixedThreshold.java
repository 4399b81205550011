package org.facestream.match;

import org.facestream.events.FaceQuality;
import org.facestream.events.ThresholdRef;
import org.facestream.gallery.Ranking;

/**
 * Matches when the best subject's cosine is at least {@code cosine}, whatever the face quality or gallery
 * size. Policy name {@value #POLICY}, threshold version 0 (the threshold never changes).
 *
 * <p>Immutable and thread-safe.
 *
 * @param cosine the decision threshold, a cosine in [-1, 1]
 */
public record FixedThreshold(double cosine) implements ThresholdPolicy {
    public static final String POLICY = "fixed";

    public FixedThreshold {
        if (!(cosine >= -1 && cosine <= 1)) {
            throw new IllegalArgumentException("expected threshold cosine in [-1, 1], found " + cosine);
        }
    }

    /** The reference carried by every decision of this policy. */
    public ThresholdRef ref() {
        return new ThresholdRef(cosine, 0, POLICY);
    }

    @Override
    public Decision decide(Ranking ranking, FaceQuality quality) {
        if (ranking.isEmpty()) {
            return new Decision(null, -1, ref());
        }
        double best = ranking.bestScore();
        return new Decision(best >= cosine ? ranking.bestSubjectId() : null, best, ref());
    }
}

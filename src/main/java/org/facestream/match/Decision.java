package org.facestream.match;

import java.util.Objects;
import org.facestream.events.ThresholdRef;

/**
 * The outcome of a {@link ThresholdPolicy}.
 *
 * @param subjectId the matched subject, or null when the face is unknown
 * @param score the cosine the decision rests on (the best subject's score), in [-1, 1]; -1 for an empty
 *     gallery
 * @param threshold the threshold that decided, for audit
 */
public record Decision(String subjectId, double score, ThresholdRef threshold) {
    public Decision {
        if (!(score >= -1 && score <= 1)) {
            throw new IllegalArgumentException("expected score in [-1, 1], found " + score);
        }
        Objects.requireNonNull(threshold, "threshold");
    }

    public boolean isMatch() {
        return subjectId != null;
    }
}

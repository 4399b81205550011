package org.facestream.gallery;

import java.util.Objects;

/**
 * One subject's score against a probe: the best cosine over the subject's templates.
 *
 * @param subjectId the subject
 * @param score cosine similarity in [-1, 1]
 */
public record SubjectScore(String subjectId, double score) {
    public SubjectScore {
        Objects.requireNonNull(subjectId, "subjectId");
        if (!(score >= -1 && score <= 1)) {
            throw new IllegalArgumentException("expected score in [-1, 1], found " + score);
        }
    }
}

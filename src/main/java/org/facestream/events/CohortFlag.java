package org.facestream.events;

/**
 * A cohort identity that looks like an enrolled subject (cohort hygiene): its best cosine against the
 * subject's templates reached the policy's hygiene cut-off, so the matcher leaves it out of every null score.
 * Carried by {@link NullScoreReport#cohortFlags()}; the aggregator writes a {@code cohort-identity-flagged}
 * audit record when one appears and {@code cohort-identity-cleared} when it goes.
 *
 * @param identity the cohort identity's name (its cohort folder)
 * @param subjectId the enrolled subject it resembles most
 * @param cosine the best cosine between their templates, in [-1, 1]
 */
public record CohortFlag(String identity, String subjectId, double cosine) {
    public CohortFlag {
        if (identity == null || identity.isBlank() || subjectId == null || subjectId.isBlank()) {
            throw new IllegalArgumentException(
                    "expected a cohort identity and a subject id, found " + identity + ", " + subjectId);
        }
        if (!(cosine >= -1 && cosine <= 1)) {
            throw new IllegalArgumentException("expected a cosine in [-1, 1], found " + cosine);
        }
    }
}

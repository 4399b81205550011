package org.facestream.events;

/**
 * The threshold that decided an identity event, for audit: its value and the version of the policy state
 * that produced it.
 *
 * @param cosine the decision threshold as a cosine in [-1, 1]
 * @param version version of the threshold state (0 for a fixed threshold)
 * @param policy name of the policy ("fixed", "adaptive-fpir", ...)
 */
public record ThresholdRef(double cosine, long version, String policy) {
    public ThresholdRef {
        if (!(cosine >= -1 && cosine <= 1)) {
            throw new IllegalArgumentException("expected threshold cosine in [-1, 1], found " + cosine);
        }
        if (version < 0) {
            throw new IllegalArgumentException("expected threshold version >= 0, found " + version);
        }
        if (policy == null || policy.isBlank()) {
            throw new IllegalArgumentException("expected a threshold policy name, found none");
        }
    }
}

package org.facestream.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The published adaptive threshold: the value of compacted topic {@code facestream.thresholds.v1}, keyed by
 * policy id. Every identity event decided under it carries its {@code value} and {@code version} (in its
 * {@link org.facestream.events.ThresholdRef}), so any decision can be traced to the estimate behind it.
 *
 * @param policyId the policy (the record key)
 * @param value the applied global threshold τ, a cosine in [-1, 1] (after rise-fast/fall-slow and bounds)
 * @param rawValue the estimate before smoothing and bounds (equal to {@code value} in the steady state)
 * @param version publication counter, 1 for the first
 * @param alpha the target FPIR
 * @param level the quantile level of the null scores that τ reads ((1-α)^(K/N) for a cohort)
 * @param galleryN gallery identities N the level was computed for
 * @param cohortK cohort identities K (0 = leave-top-1-out fallback)
 * @param samples null scores in the merged window
 * @param meanSmoothMax mean cohort smooth-max n̄ of the window's probes; a probe's threshold is
 *     {@code τ + β(n_q - n̄)}
 * @param beta the guard slope the estimate was made with
 * @param method how the raw estimate was made: {@code empirical}, {@code tail} (GPD) or {@code insufficient}
 *     (too few samples: the previous or initial value is kept)
 * @param updatedAt when it was published
 * @param recentRaw the last raw estimates (bounded), newest last, that the next publication takes the highest
 *     of together with its own: the value follows the raw estimate down after a short run below it (null in
 *     states of earlier versions)
 * @param tail what the contamination rules did to the window this version read (null in states of earlier
 *     versions and without tail lists)
 */
public record ThresholdState(
        String policyId,
        double value,
        double rawValue,
        long version,
        double alpha,
        double level,
        int galleryN,
        int cohortK,
        long samples,
        double meanSmoothMax,
        double beta,
        String method,
        Instant updatedAt,
        List<Double> recentRaw,
        TailAudit tail) {
    public static final String EMPIRICAL = "empirical";
    public static final String TAIL = "tail";
    public static final String INSUFFICIENT = "insufficient";

    public ThresholdState {
        if (policyId == null || policyId.isBlank()) {
            throw new IllegalArgumentException("expected a policy id, found none");
        }
        if (!(value >= -1 && value <= 1)) {
            throw new IllegalArgumentException("expected value in [-1, 1], found " + value);
        }
        if (!Double.isFinite(rawValue)) {
            throw new IllegalArgumentException("expected a finite raw value, found " + rawValue);
        }
        if (version < 1) {
            throw new IllegalArgumentException("expected version >= 1, found " + version);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("expected alpha in (0, 1), found " + alpha);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("expected level in (0, 1), found " + level);
        }
        if (galleryN < 0 || cohortK < 0 || samples < 0) {
            throw new IllegalArgumentException("expected non-negative galleryN, cohortK and samples, found " + galleryN
                    + ", " + cohortK + ", " + samples);
        }
        if (!Double.isFinite(meanSmoothMax) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException(
                    "expected finite meanSmoothMax and beta, found " + meanSmoothMax + ", " + beta);
        }
        if (!EMPIRICAL.equals(method) && !TAIL.equals(method) && !INSUFFICIENT.equals(method)) {
            throw new IllegalArgumentException("expected method empirical, tail or insufficient, found " + method);
        }
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (recentRaw != null) {
            recentRaw = List.copyOf(recentRaw);
            if (recentRaw.stream().anyMatch(v -> !Double.isFinite(v))) {
                throw new IllegalArgumentException("expected finite recent raw values, found " + recentRaw);
            }
        }
    }

    /** A state without run-length history or tail audit (as every state was before issue 12). */
    public ThresholdState(
            String policyId,
            double value,
            double rawValue,
            long version,
            double alpha,
            double level,
            int galleryN,
            int cohortK,
            long samples,
            double meanSmoothMax,
            double beta,
            String method,
            Instant updatedAt) {
        this(
                policyId,
                value,
                rawValue,
                version,
                alpha,
                level,
                galleryN,
                cohortK,
                samples,
                meanSmoothMax,
                beta,
                method,
                updatedAt,
                null,
                null);
    }

    /**
     * What the contamination rules did to the merged window a version was read from, so each publication says
     * how much of the tail was held back and whose.
     *
     * @param cappedIdentities cohort identities with at least one score dropped over their share of the tail
     *     (in the matchers' window buckets or in the aggregator's read)
     * @param cappedScores the scores so dropped
     * @param cappedCameras scores the aggregator dropped over a camera's share of the tail
     * @param excludedIdentities cohort identities the hygiene check left out (they look like an enrolled subject)
     * @param samePersonExclusions cohort identities left out of a probe's scores as the probe's own person, in
     *     the window
     * @param listExhausted whether the read ran out of listed scores before the tail it needs (the rest of the
     *     tail was read uncapped from the histogram)
     * @param topCapped the identities with the most dropped scores, most first (at most five)
     */
    public record TailAudit(
            int cappedIdentities,
            long cappedScores,
            long cappedCameras,
            int excludedIdentities,
            long samePersonExclusions,
            boolean listExhausted,
            List<CappedIdentity> topCapped) {
        public TailAudit {
            if (cappedIdentities < 0
                    || cappedScores < 0
                    || cappedCameras < 0
                    || excludedIdentities < 0
                    || samePersonExclusions < 0) {
                throw new IllegalArgumentException("expected non-negative counts, found " + cappedIdentities + ", "
                        + cappedScores + ", " + cappedCameras + ", " + excludedIdentities + ", "
                        + samePersonExclusions);
            }
            topCapped = topCapped == null ? List.of() : List.copyOf(topCapped);
        }
    }

    /** A cohort identity and how many of its tail scores were dropped. */
    public record CappedIdentity(String identity, long scores) {
        public CappedIdentity {
            Objects.requireNonNull(identity, "identity");
        }
    }
}

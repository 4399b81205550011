package org.facestream.match.threshold;

import java.util.Objects;
import org.facestream.events.FaceQuality;

/**
 * Settings of the adaptive FPIR threshold, shared by the matcher instances (which record null scores and
 * decide) and the aggregator (which estimates and publishes): both must use the same β, or the residual
 * null scores and the decision rule disagree.
 *
 * @param policyId key of the policy on {@code facestream.thresholds.v1}
 * @param alpha target false-positive identification rate, in (0, 0.5]
 * @param beta probe-conditional guard slope in [0, 2]: a probe whose cohort smooth-max is δ above the mean
 *     gets a threshold β·δ higher (0 turns the guard off; 1 suits a purely additive "resembles everyone" shift)
 * @param smoothMaxScale the smooth-max scale s (32)
 * @param floor lowest threshold ever applied, a cosine
 * @param ceiling highest threshold ever applied, a cosine above {@code floor}
 * @param initial threshold until enough null scores have arrived, in [floor, ceiling]
 * @param ambiguityMargin a probe whose best and second-best subjects are closer than this cosine is refused
 *     (reported unknown), in [0, 1)
 * @param tailCount null scores wanted above the target quantile; sizes the window as tailCount / (1 - level)
 * @param tailModelMaxAlpha at or below this α the quantile comes from the GPD tail model (when it can be
 *     fitted), above it from the histogram when the window holds {@code tailCount} scores above the level
 * @param maxFallPerUpdate the published threshold falls by at most this much per publication (it rises at once)
 * @param alertDelta a raw estimate this far from the published value counts as a large move (alert metric)
 * @param cameraQuotaFactor a camera feeds at most this multiple of the median camera's share of a window
 *     bucket (0 = no quota)
 * @param cameraMinAllowance scores per bucket any camera may feed regardless of the quota
 * @param windowBuckets the sliding window is a ring of this many sketches
 * @param maxWindowSamples cap on the window size however extreme the level
 * @param fallbackMatedFraction π for the leave-top-1-out fallback (see {@link NullLevels#leaveTopOneOut})
 * @param feedGate faces that fail it never feed the estimator (stricter than the worker's gate: their scores
 *     are trusted as null samples)
 */
public record FpirPolicy(
        String policyId,
        double alpha,
        double beta,
        double smoothMaxScale,
        double floor,
        double ceiling,
        double initial,
        double ambiguityMargin,
        int tailCount,
        double tailModelMaxAlpha,
        double maxFallPerUpdate,
        double alertDelta,
        double cameraQuotaFactor,
        int cameraMinAllowance,
        int windowBuckets,
        long maxWindowSamples,
        double fallbackMatedFraction,
        FaceQuality.Gate feedGate) {
    /** Policy name carried by {@link org.facestream.events.ThresholdRef#policy()}. */
    public static final String POLICY = "adaptive-fpir";

    public FpirPolicy {
        if (policyId == null || !policyId.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")) {
            throw new IllegalArgumentException(
                    "expected a policy id of 1-64 characters [A-Za-z0-9._:-], found " + policyId);
        }
        check("alpha", alpha, 1e-6, 0.5);
        check("beta", beta, 0, 2);
        check("smoothMaxScale", smoothMaxScale, 1, 256);
        check("floor", floor, -1, 1);
        check("ceiling", ceiling, -1, 1);
        if (!(floor < ceiling)) {
            throw new IllegalArgumentException("expected floor below ceiling, found " + floor + " >= " + ceiling);
        }
        check("initial", initial, floor, ceiling);
        check("ambiguityMargin", ambiguityMargin, 0, 0.999);
        check("tailCount", tailCount, 5, 100_000);
        check("tailModelMaxAlpha", tailModelMaxAlpha, 0, 0.5);
        check("maxFallPerUpdate", maxFallPerUpdate, 0, 2);
        check("alertDelta", alertDelta, 0, 2);
        check("cameraQuotaFactor", cameraQuotaFactor, 0, 1000);
        check("cameraMinAllowance", cameraMinAllowance, 1, 1_000_000);
        check("windowBuckets", windowBuckets, 2, 1000);
        check("maxWindowSamples", maxWindowSamples, 1000, 1e9);
        check("fallbackMatedFraction", fallbackMatedFraction, 0, 1);
        Objects.requireNonNull(feedGate, "feedGate");
    }

    /**
     * Defaults for a target α: guard β = 1, bounds [0.2, 0.7], initial 0.4 (the reference study's FPIR 0.01
     * threshold for a 150-identity watch-list was about 0.34, 0.39-0.42 for 0.001), margin 0.02, 40 tail
     * scores, GPD at α ≤ 0.005, fall 0.005 per publication, alert at 0.03, camera quota 2x the median.
     */
    public static FpirPolicy defaults(String policyId, double alpha) {
        return new FpirPolicy(
                policyId,
                alpha,
                1.0,
                CohortScorer.DEFAULT_SCALE,
                0.2,
                0.7,
                0.4,
                0.02,
                40,
                0.005,
                0.005,
                0.03,
                2.0,
                50,
                10,
                2_000_000,
                0.0,
                new FaceQuality.Gate(0.5, 16));
    }

    public FpirPolicy withBeta(double beta) {
        return new FpirPolicy(
                policyId,
                alpha,
                beta,
                smoothMaxScale,
                floor,
                ceiling,
                initial,
                ambiguityMargin,
                tailCount,
                tailModelMaxAlpha,
                maxFallPerUpdate,
                alertDelta,
                cameraQuotaFactor,
                cameraMinAllowance,
                windowBuckets,
                maxWindowSamples,
                fallbackMatedFraction,
                feedGate);
    }

    public FpirPolicy withAmbiguityMargin(double margin) {
        return new FpirPolicy(
                policyId,
                alpha,
                beta,
                smoothMaxScale,
                floor,
                ceiling,
                initial,
                margin,
                tailCount,
                tailModelMaxAlpha,
                maxFallPerUpdate,
                alertDelta,
                cameraQuotaFactor,
                cameraMinAllowance,
                windowBuckets,
                maxWindowSamples,
                fallbackMatedFraction,
                feedGate);
    }

    public FpirPolicy withCameraQuotaFactor(double factor) {
        return new FpirPolicy(
                policyId,
                alpha,
                beta,
                smoothMaxScale,
                floor,
                ceiling,
                initial,
                ambiguityMargin,
                tailCount,
                tailModelMaxAlpha,
                maxFallPerUpdate,
                alertDelta,
                factor,
                cameraMinAllowance,
                windowBuckets,
                maxWindowSamples,
                fallbackMatedFraction,
                feedGate);
    }

    public FpirPolicy withBounds(double floor, double ceiling, double initial) {
        return new FpirPolicy(
                policyId,
                alpha,
                beta,
                smoothMaxScale,
                floor,
                ceiling,
                initial,
                ambiguityMargin,
                tailCount,
                tailModelMaxAlpha,
                maxFallPerUpdate,
                alertDelta,
                cameraQuotaFactor,
                cameraMinAllowance,
                windowBuckets,
                maxWindowSamples,
                fallbackMatedFraction,
                feedGate);
    }

    public FpirPolicy withFallbackMatedFraction(double matedFraction) {
        return new FpirPolicy(
                policyId,
                alpha,
                beta,
                smoothMaxScale,
                floor,
                ceiling,
                initial,
                ambiguityMargin,
                tailCount,
                tailModelMaxAlpha,
                maxFallPerUpdate,
                alertDelta,
                cameraQuotaFactor,
                cameraMinAllowance,
                windowBuckets,
                maxWindowSamples,
                matedFraction,
                feedGate);
    }

    /** The quantile level of the null scores for a gallery of N identities and a cohort of K (0 = fallback). */
    public double level(int galleryN, int cohortK) {
        return level(galleryN, galleryN, cohortK, cohortK);
    }

    /**
     * The quantile level for a gallery of N identities enrolled with T templates and null scores over K cohort
     * identities with C templates (see {@link NullLevels#cohortMax(double, int, int, int, int)}); the
     * leave-top-1-out fallback (K = 0) counts identities.
     */
    public double level(int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        return cohortK > 0
                ? NullLevels.cohortMax(alpha, cohortK, cohortTemplates, galleryN, galleryTemplates)
                : NullLevels.leaveTopOneOut(alpha, Math.max(2, galleryN), fallbackMatedFraction);
    }

    /** Window size for that level: {@code tailCount / (1 - level)}, at most {@code maxWindowSamples}. */
    public long windowSamples(int galleryN, int cohortK) {
        return windowSamples(galleryN, galleryN, cohortK, cohortK);
    }

    /** Window size for the template-aware level. */
    public long windowSamples(int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        return Math.min(
                maxWindowSamples,
                NullLevels.requiredSamples(
                        level(Math.max(1, galleryN), Math.max(1, galleryTemplates), cohortK, cohortTemplates),
                        tailCount));
    }

    private static void check(String name, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("expected " + name + " in [" + min + ", " + max + "], found " + v);
        }
    }
}

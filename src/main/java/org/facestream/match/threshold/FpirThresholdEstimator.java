package org.facestream.match.threshold;

import java.time.Instant;
import java.util.Objects;
import org.facestream.events.ThresholdState;

/**
 * Turns a window of null scores into the published threshold: reads the quantile the target FPIR asks
 * for, from the histogram or from a GPD tail model, then applies the operational guards (the threshold
 * rises at once and falls slowly, within hard bounds; large moves are flagged).
 *
 * <p>The null scores are residuals {@code d = c - β·n} (c the probe's best cohort cosine, n its cohort
 * smooth-max), so the global threshold in cosine units is {@code τ = q_level(d) + β·n̄}; a probe q is then
 * held to {@code τ + β(n_q - n̄) = q_level(d) + β·n_q}, which keeps the FPIR at α whatever a probe's
 * "resembles everyone" offset. With β = 0 this is the plain cohort-max quantile rule.
 *
 * <p>Stateless and thread-safe: the previous state is passed in.
 */
public final class FpirThresholdEstimator {
    /** Exceedances the tail model needs before it is trusted. */
    public static final int MIN_TAIL_EXCEEDANCES = 30;
    /**
     * The tail model is fitted above the quantile with this many times the target's tail mass. Wide on
     * purpose: the cohort-max tail is fitted where there are scores, then extrapolated; a high threshold
     * leaves a thin window (a 400-face ORL gallery, the first minutes of a camera) with no estimate at all.
     */
    static final double TAIL_MASS_FACTOR = 50;
    /**
     * Scores above the level the histogram needs before its quantile is read directly. Real null scores
     * are not GPD-shaped far out (look-alikes and label noise thicken the top), and on LFW the histogram
     * with a handful of tail scores was closer to the realised FPIR than the fitted tail, which ran 0.01-0.02
     * of cosine high (FPIR 0.3-0.8x); so at α above {@link FpirPolicy#tailModelMaxAlpha()} the tail model
     * only fills in when the window is too thin.
     */
    public static final double MIN_EMPIRICAL_TAIL = 5;

    private final FpirPolicy policy;

    public FpirThresholdEstimator(FpirPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public FpirPolicy policy() {
        return policy;
    }

    /**
     * A raw estimate, before guards.
     *
     * @param value τ in cosine units, NaN when {@code method} is insufficient
     * @param level the quantile level read
     * @param samples null scores in the window
     * @param meanSmoothMax n̄ of the window
     * @param method {@link ThresholdState#EMPIRICAL}, {@link ThresholdState#TAIL} or {@link ThresholdState#INSUFFICIENT}
     * @param tail the fitted tail, or null when the histogram was read
     */
    public record Estimate(
            double value, double level, long samples, double meanSmoothMax, String method, TailModel tail) {}

    /** Estimates τ from a (merged) window for a gallery of {@code galleryN} and a cohort of {@code cohortK}. */
    public Estimate estimate(NullScoreSketch window, int galleryN, int cohortK) {
        return estimate(window, galleryN, galleryN, cohortK, cohortK);
    }

    /** As {@link #estimate(NullScoreSketch, int, int)} with the template counts of both sides. */
    public Estimate estimate(
            NullScoreSketch window, int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        double level = policy.level(Math.max(1, galleryN), Math.max(1, galleryTemplates), cohortK, cohortTemplates);
        long n = window.count();
        double meanN = window.meanSmoothMax();
        double beta = cohortK > 0 ? policy.beta() : 0;
        double tailMass = 1 - level;
        boolean histogramFirst = policy.alpha() > policy.tailModelMaxAlpha();
        if (histogramFirst && n * tailMass >= MIN_EMPIRICAL_TAIL) {
            return new Estimate(window.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.EMPIRICAL, null);
        }
        double uLevel = Math.max(0.5, 1 - TAIL_MASS_FACTOR * tailMass);
        if (n * (1 - uLevel) >= MIN_TAIL_EXCEEDANCES) {
            TailModel tail = TailModel.fit(window, uLevel, MIN_TAIL_EXCEEDANCES);
            return new Estimate(tail.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.TAIL, tail);
        }
        if (n > 0 && n * tailMass >= MIN_EMPIRICAL_TAIL) {
            return new Estimate(window.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.EMPIRICAL, null);
        }
        return new Estimate(Double.NaN, level, n, meanN, ThresholdState.INSUFFICIENT, null);
    }

    /**
     * The next published state: the estimate within [floor, ceiling], raised at once, lowered by at most
     * {@code maxFallPerUpdate}; an insufficient estimate keeps the previous value (or the initial one).
     *
     * @param previous the last published state of this policy, or null for the first
     */
    public ThresholdState next(ThresholdState previous, Estimate e, int galleryN, int cohortK, Instant now) {
        double prior = previous == null ? policy.initial() : previous.value();
        double raw = ThresholdState.INSUFFICIENT.equals(e.method()) ? prior : e.value();
        double bounded = Math.max(policy.floor(), Math.min(policy.ceiling(), raw));
        double value;
        if (previous == null || bounded >= prior) {
            value = bounded;
        } else {
            value = Math.max(bounded, prior - policy.maxFallPerUpdate());
        }
        long version = previous == null ? 1 : previous.version() + 1;
        // The guard is calibrated with the quantile it was estimated with: a kept value keeps its guard, and the
        // initial value, which no window produced, has none (a probe-conditional shift around a guess is noise).
        boolean estimated = !ThresholdState.INSUFFICIENT.equals(e.method());
        double beta = cohortK == 0 ? 0 : estimated ? policy.beta() : previous == null ? 0 : previous.beta();
        double meanSmoothMax = estimated || previous == null ? e.meanSmoothMax() : previous.meanSmoothMax();
        return new ThresholdState(
                policy.policyId(),
                value,
                raw,
                version,
                policy.alpha(),
                e.level(),
                galleryN,
                cohortK,
                e.samples(),
                meanSmoothMax,
                beta,
                e.method(),
                now);
    }

    /** Whether going from {@code previous} to {@code next} is a move operators should be alerted to. */
    public boolean isLargeMove(ThresholdState previous, ThresholdState next) {
        return previous != null && Math.abs(next.rawValue() - previous.value()) >= policy.alertDelta();
    }

    /**
     * The threshold for one probe: {@code clamp(τ + β(n_q - n̄), floor, ceiling)}.
     *
     * @param smoothMax the probe's cohort smooth-max n_q (ignored when the state has no cohort)
     */
    public static double probeThreshold(ThresholdState state, FpirPolicy policy, double smoothMax) {
        double t = state.value() + state.beta() * (smoothMax - state.meanSmoothMax());
        return Math.max(policy.floor(), Math.min(policy.ceiling(), t));
    }

    /** The residual null score {@code c - β·n} a probe feeds into the window. */
    public static double residual(FpirPolicy policy, double cohortMax, double smoothMax) {
        return cohortMax - policy.beta() * smoothMax;
    }
}

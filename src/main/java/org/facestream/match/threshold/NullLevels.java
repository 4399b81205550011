package org.facestream.match.threshold;

/**
 * The quantile levels at which a null-score distribution must be read to hold a target false-positive
 * identification rate α on a gallery of N identities, assuming independent comparisons.
 *
 * <p>A non-mated probe is falsely identified when the best of its N impostor scores passes the threshold:
 * {@code FPIR = 1 - F(τ)^N} for per-comparison impostor CDF F, so τ is where {@code F = (1-α)^(1/N)}.
 */
public final class NullLevels {
    private NullLevels() {}

    /**
     * Level for a cohort-max null score (the best of K cohort identities disjoint from the gallery): its CDF
     * is {@code F^K}, so the level is {@code (1-α)^(K/N)}. With K = 60, N = 150, α = 0.01 that is 0.99599.
     */
    public static double cohortMax(double alpha, int cohortSize, int gallerySize) {
        requireAlpha(alpha);
        requirePositive("cohort size", cohortSize);
        requirePositive("gallery size", gallerySize);
        return Math.pow(1 - alpha, (double) cohortSize / gallerySize);
    }

    /**
     * Level for a cohort-max null score when gallery subjects and cohort identities are enrolled with
     * different numbers of templates (each scores the best of its own). Counting identities treats the photos
     * of one person as one comparison (perfectly correlated), counting templates treats them as independent;
     * the truth lies between, so the exponent is the mean of the two ratios,
     * {@code (1-α)^((K/N + C/T)/2)}. With as many templates per identity on both sides all three agree. On
     * LFW, whose cohort identities mostly have one photo against 1.5 per gallery subject ({@code eval identify},
     * seeds 1-10, targets 0.01 and 0.05), identity counting realised 1.17-1.22x the target on the whole set and
     * 1.34-1.82x on its A-D identities, template counting 0.71-0.84x; the mean 0.96-1.03x and 1.13-1.48x.
     *
     * @param cohortK null-half identities K
     * @param cohortTemplates their templates C (at least K)
     * @param galleryN gallery identities N
     * @param galleryTemplates their templates T (at least N)
     */
    public static double cohortMax(double alpha, int cohortK, int cohortTemplates, int galleryN, int galleryTemplates) {
        return cohortMax(alpha, cohortK, cohortTemplates, galleryN, galleryTemplates, 0.5);
    }

    /**
     * As {@link #cohortMax(double, int, int, int, int)} with the exponent {@code w·K/N + (1-w)·C/T}. The equal
     * weighting was calibrated on LFW null scores that LFW's own duplicate identities inflated; once the
     * contamination rules keep such identities out of the null ({@link FpirPolicy.Contamination}), w = 0.5 ran
     * 1.33x the target on clean sets and w = 0.25 1.18x (tuning seeds 6-15 of lfw, all and combined; w = 0
     * left 3 of 20 seeds below 0.5x on the duplicate sets), so the policy uses 0.25.
     *
     * @param identityWeight w in [0, 1]
     */
    public static double cohortMax(
            double alpha, int cohortK, int cohortTemplates, int galleryN, int galleryTemplates, double identityWeight) {
        requireAlpha(alpha);
        requirePositive("cohort size", cohortK);
        requirePositive("gallery size", galleryN);
        if (!(identityWeight >= 0 && identityWeight <= 1)) {
            throw new IllegalArgumentException("expected an identity weight in [0, 1], found " + identityWeight);
        }
        double identities = (double) cohortK / galleryN;
        double templates = cohortTemplates >= cohortK && galleryTemplates >= galleryN
                ? (double) cohortTemplates / galleryTemplates
                : identities;
        return Math.pow(1 - alpha, identityWeight * identities + (1 - identityWeight) * templates);
    }

    /**
     * Level for the fallback null score, the best gallery score after leaving out the top-1 identity, with
     * the correction the plain rule lacks.
     *
     * <p>Reading that score's {@code 1-α} quantile (as if it were the best of N impostors) is too permissive:
     * for a mated probe it is the best of N-1 impostors (about right), but for a non-mated probe it is the
     * <em>second</em> best of N, whose tail is far lighter ({@code 1 - F^N - N F^(N-1)(1-F)} ≈ (Nq)²/2 for
     * small per-comparison tail q). The reference study, with 60% mated probes, measured 1.9x the target.
     * The corrected level is the mixture's CDF at the point where {@code F = (1-α)^(1/N)}:
     * {@code π F^(N-1) + (1-π)(F^N + N F^(N-1)(1-F))}, with π the fraction of mated probes (estimate it
     * from the match rate; π = 0 is the strict choice for a watch-list camera where nearly everyone is
     * unknown). Such levels are extreme (α = 0.01, π = 0 gives about 1 - α²/2), so use a tail model.
     *
     * @param matedFraction π in [0, 1]
     */
    public static double leaveTopOneOut(double alpha, int gallerySize, double matedFraction) {
        requireAlpha(alpha);
        if (gallerySize < 2) {
            throw new IllegalArgumentException("expected a gallery of at least 2 identities, found " + gallerySize);
        }
        if (!(matedFraction >= 0 && matedFraction <= 1)) {
            throw new IllegalArgumentException("expected a mated fraction in [0, 1], found " + matedFraction);
        }
        double n = gallerySize;
        double f = Math.pow(1 - alpha, 1 / n);
        double fN1 = Math.pow(f, n - 1);
        // 1 - F via expm1 keeps precision when α is tiny.
        double oneMinusF = -Math.expm1(Math.log1p(-alpha) / n);
        double secondBest = fN1 * f + n * fN1 * oneMinusF;
        return matedFraction * fN1 + (1 - matedFraction) * secondBest;
    }

    /**
     * Null scores needed to read {@code level} with about {@code tailCount} scores above it; the window
     * (or sketch) must be sized from this, not a constant: level 0.9996 with 40 tail scores needs 100,000.
     */
    public static long requiredSamples(double level, int tailCount) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("expected a level in (0, 1), found " + level);
        }
        requirePositive("tail count", tailCount);
        // the relative 1e-9 absorbs rounding in 1 - level (0.9996 is not exact), which would add one sample
        return (long) Math.ceil(tailCount / (1 - level) * (1 - 1e-9));
    }

    private static void requireAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("expected a target FPIR in (0, 1), found " + alpha);
        }
    }

    private static void requirePositive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("expected a positive " + what + ", found " + v);
        }
    }
}

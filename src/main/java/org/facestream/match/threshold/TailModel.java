package org.facestream.match.threshold;

/**
 * A peaks-over-threshold tail model: a generalised Pareto distribution fitted to the null scores that
 * exceed a high quantile {@code u}. Needed for small target FPIRs, where the quantile the cohort rule asks
 * for rests on the top one or two scores of the window (the reference study found every plain quantile
 * estimator 2-3.4x too permissive at FPIR 0.001); the GPD extrapolates from the few hundred exceedances
 * instead.
 *
 * <p>Fitted by probability-weighted moments (Hosking and Wallis, 1987), which behave better than maximum
 * likelihood on a few hundred exceedances and need no iteration; the sketch's bins stand in for the sorted
 * exceedances. The shape is clamped to [-0.5, 0.5]: cosine null scores are bounded (shape below 0) and
 * light-tailed, and an extreme fitted shape means too few exceedances rather than a real tail.
 *
 * @param u the threshold the exceedances are measured from
 * @param scale GPD scale σ, positive
 * @param shape GPD shape ξ (0 = exponential tail, below 0 = bounded)
 * @param exceedanceFraction fraction ζ of all null scores above {@code u}, in (0, 1]
 * @param exceedances number of scores above {@code u}
 */
public record TailModel(double u, double scale, double shape, double exceedanceFraction, long exceedances) {
    public static final double MAX_ABS_SHAPE = 0.5;

    public TailModel {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("expected a positive scale, found " + scale);
        }
        if (!(exceedanceFraction > 0 && exceedanceFraction <= 1)) {
            throw new IllegalArgumentException(
                    "expected an exceedance fraction in (0, 1], found " + exceedanceFraction);
        }
    }

    /**
     * Fits the tail of {@code sketch} above its {@code uLevel} quantile (snapped down to a bin edge).
     *
     * @throws IllegalArgumentException when fewer than {@code minExceedances} scores lie above it
     */
    public static TailModel fit(NullScoreSketch sketch, double uLevel, int minExceedances) {
        if (!(uLevel > 0 && uLevel < 1)) {
            throw new IllegalArgumentException("expected a threshold level in (0, 1), found " + uLevel);
        }
        long n = sketch.count();
        int first = sketch.binOf(sketch.count() == 0 ? 1 : sketch.quantile(uLevel));
        long m = 0;
        for (int b = first; b < sketch.bins(); b++) {
            m += sketch.countAt(b);
        }
        if (m < Math.max(3, minExceedances)) {
            throw new IllegalArgumentException("expected at least " + Math.max(3, minExceedances)
                    + " exceedances of the " + uLevel + " quantile, found " + m + " of " + n + " scores");
        }
        double u = sketch.binLow(first);
        double w = sketch.binWidth();
        // a0 = mean exceedance; a1 = E[Y (1 - F(Y))], with plotting positions p_i = (i - 0.35) / m.
        double a0 = 0;
        double a1 = 0;
        long rank = 0;
        for (int b = first; b < sketch.bins(); b++) {
            long c = sketch.countAt(b);
            if (c == 0) {
                continue;
            }
            double y = sketch.binLow(b) + w / 2 - u;
            double sumRanks = (double) c * rank + (double) c * (c + 1) / 2;
            double weight = c - (sumRanks - 0.35 * c) / m;
            a0 += c * y;
            a1 += weight * y;
            rank += c;
        }
        a0 /= m;
        a1 /= m;
        double denominator = a0 - 2 * a1;
        double shape;
        double scale;
        if (denominator > 0) {
            double k = a0 / denominator - 2; // Hosking's k = -ξ
            shape = Math.max(-MAX_ABS_SHAPE, Math.min(MAX_ABS_SHAPE, -k));
            scale = a0 * (1 - shape); // mean of a GPD is σ / (1 - ξ): keep the fitted mean when ξ is clamped
        } else {
            shape = MAX_ABS_SHAPE;
            scale = a0 * (1 - shape);
        }
        return new TailModel(u, Math.max(scale, w / 4), shape, (double) m / n, m);
    }

    /**
     * The score exceeded by a fraction {@code 1 - level} of all null scores. Levels at or below
     * {@code 1 - exceedanceFraction} lie outside the fitted tail and return {@code u}.
     */
    public double quantile(double level) {
        double p = 1 - level;
        if (!(p > 0)) {
            throw new IllegalArgumentException("expected a level below 1, found " + level);
        }
        if (p >= exceedanceFraction) {
            return u;
        }
        double ratio = exceedanceFraction / p;
        double x =
                Math.abs(shape) < 1e-6 ? u + scale * Math.log(ratio) : u + scale / shape * (Math.pow(ratio, shape) - 1);
        if (shape < 0) {
            x = Math.min(x, u - scale / shape); // the bounded tail's end point
        }
        return Math.min(1, x);
    }
}

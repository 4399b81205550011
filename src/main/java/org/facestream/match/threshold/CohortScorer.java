package org.facestream.match.threshold;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores a probe against an impostor cohort: identities disjoint from the gallery, supplied by the operator
 * as one L2-normalised template per identity. The best cohort cosine is a null score (what a non-enrolled
 * face scores against K unrelated people); the smooth-max {@code n = (1/s) log Σ_j exp(s cos_j)} says how
 * much the probe resembles everyone (blurred, dark or "average" faces score high against every identity).
 *
 * <p>The cohort is split in two halves (even and odd rows): the smooth-max is taken over the <em>guard</em>
 * half and the null score over the <em>null</em> half. Why: a probe's gallery score is independent of its
 * smooth-max given the probe, but a max and a smooth-max over the same identities are strongly correlated
 * (at s = 32 the smooth-max is nearly the max), so a null score {@code c - β n} over one set of identities
 * would not be distributed like {@code g - β n} and the guarded threshold would miss α by an order of
 * magnitude (measured: 27x in the stationary simulation). With disjoint halves the null score and a
 * non-mated gallery score are exchangeable given n, and the quantile rule holds with K = the null half's size.
 *
 * <p>Each probe yields two null scores, one per way of assigning the halves ({@link CohortScores#swappedMax}
 * against {@link CohortScores#swappedSmoothMax}): the halves are a random split, so both are draws from the
 * same distribution, and together they carry the tail information of the whole cohort (what one half alone
 * would waste). The decision itself always uses the guard half's smooth-max, {@link CohortScores#smoothMax}.
 *
 * <p>An identity may have several templates ({@link #ofIdentities}): its cosine is then the max over them, as
 * the gallery scores a subject enrolled from several photos, so the null score is distributed like a
 * non-mated probe's gallery score. K stays the number of identities.
 *
 * <p>Immutable after construction (the cohort is copied) and thread-safe.
 */
public final class CohortScorer {
    /** The smooth-max temperature of GB-CosFace-style scale: s = 32. */
    public static final double DEFAULT_SCALE = 32;

    private final float[] rows;
    /** First row of each identity, plus the total row count at the end. */
    private final int[] starts;

    private final int size;
    private final int dimension;
    private final double scale;

    /**
     * @param cohort one template per cohort identity, each of the same length; normalised here
     * @param scale the smooth-max scale s, positive
     */
    public CohortScorer(float[][] cohort, double scale) {
        this(cohort, singletons(cohort), scale);
    }

    /**
     * A cohort whose identities have one or more templates each; an identity's cosine is the max over its own.
     *
     * @param identities per identity its templates (at least one), all of the same length; normalised here
     * @param scale the smooth-max scale s, positive
     */
    public static CohortScorer ofIdentities(List<float[][]> identities, double scale) {
        if (identities == null || identities.size() < 2) {
            throw new IllegalArgumentException("expected at least two cohort identities, found "
                    + (identities == null ? "none" : identities.size()));
        }
        int[] starts = new int[identities.size() + 1];
        List<float[]> all = new ArrayList<>();
        for (int i = 0; i < identities.size(); i++) {
            float[][] templates = identities.get(i);
            if (templates == null || templates.length == 0) {
                throw new IllegalArgumentException(
                        "expected at least one template for cohort identity " + i + ", found none");
            }
            starts[i] = all.size();
            all.addAll(Arrays.asList(templates));
        }
        starts[identities.size()] = all.size();
        return new CohortScorer(all.toArray(float[][]::new), starts, scale);
    }

    private static int[] singletons(float[][] cohort) {
        if (cohort == null || cohort.length < 2) {
            throw new IllegalArgumentException(
                    "expected at least two cohort templates, found " + (cohort == null ? "none" : cohort.length));
        }
        int[] starts = new int[cohort.length + 1];
        Arrays.setAll(starts, i -> i);
        return starts;
    }

    private CohortScorer(float[][] cohort, int[] starts, double scale) {
        if (cohort == null || cohort.length < 2) {
            throw new IllegalArgumentException(
                    "expected at least two cohort templates, found " + (cohort == null ? "none" : cohort.length));
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("expected a positive smooth-max scale, found " + scale);
        }
        this.starts = starts;
        this.size = starts.length - 1;
        this.dimension = cohort[0].length;
        this.scale = scale;
        this.rows = new float[cohort.length * dimension];
        for (int i = 0; i < cohort.length; i++) {
            float[] t = cohort[i];
            if (t == null || t.length != dimension) {
                throw new IllegalArgumentException("expected cohort template " + i + " of length " + dimension
                        + ", found " + (t == null ? "null" : t.length));
            }
            double norm = Math.sqrt(dot(t, 0, t, dimension));
            if (!(norm > 0) || !Double.isFinite(norm)) {
                throw new IllegalArgumentException(
                        "expected cohort template " + i + " with finite non-zero norm, found " + norm);
            }
            for (int j = 0; j < dimension; j++) {
                rows[i * dimension + j] = (float) (t[j] / norm);
            }
        }
    }

    public CohortScorer(float[][] cohort) {
        this(cohort, DEFAULT_SCALE);
    }

    /** Number of cohort identities. */
    public int size() {
        return size;
    }

    /** Identities in the null half: the K of the quantile level {@code (1-α)^(K/N)}. */
    public int nullIdentities() {
        return size / 2;
    }

    /** Templates behind one null score, on average over the two halves: half the cohort's templates. */
    public int nullTemplates() {
        return starts[size] / 2;
    }

    public int dimension() {
        return dimension;
    }

    public double scale() {
        return scale;
    }

    /** The probe's best and smooth-max cosines against the cohort; the probe need not be normalised. */
    public CohortScores score(float[] probe) {
        if (probe == null || probe.length != dimension) {
            throw new IllegalArgumentException(
                    "expected a probe of length " + dimension + ", found " + (probe == null ? "null" : probe.length));
        }
        double norm = Math.sqrt(dot(probe, 0, probe, dimension));
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException("expected a probe with finite non-zero norm, found norm " + norm);
        }
        double[] cosines = new double[size];
        for (int i = 0; i < size; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int r = starts[i]; r < starts[i + 1]; r++) {
                best = Math.max(best, dot(rows, r * dimension, probe, dimension) / norm);
            }
            cosines[i] = Math.max(-1, Math.min(1, best));
        }
        return of(cosines, scale);
    }

    /**
     * Null scores and smooth-maxes of given cohort cosines, split as {@link #score} splits the cohort: odd
     * indices are the null half, even ones the guard half (for simulations that draw cosines directly).
     */
    public static CohortScores of(double[] cosines, double scale) {
        if (cosines.length < 2) {
            throw new IllegalArgumentException("expected at least two cohort cosines, found " + cosines.length);
        }
        return new CohortScores(
                max(cosines, 1), smoothMax(cosines, 0, scale), max(cosines, 0), smoothMax(cosines, 1, scale));
    }

    private static double max(double[] cosines, int first) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = first; i < cosines.length; i += 2) {
            m = Math.max(m, cosines[i]);
        }
        return m;
    }

    /** {@code (1/s) log Σ exp(s c_i)} over every other cosine from {@code first}, taken around the max so exp never overflows. */
    private static double smoothMax(double[] cosines, int first, double scale) {
        double m = max(cosines, first);
        double sum = 0;
        for (int i = first; i < cosines.length; i += 2) {
            sum += Math.exp(scale * (cosines[i] - m));
        }
        return m + Math.log(sum) / scale;
    }

    private static double dot(float[] a, int offset, float[] b, int length) {
        double s = 0;
        for (int j = 0; j < length; j++) {
            s += a[offset + j] * b[j];
        }
        return s;
    }

    /**
     * @param max the best cosine over the null half, in [-1, 1]: the probe's null score
     * @param smoothMax {@code (1/s) log Σ exp(s cos_j)} over the guard half, n_q: what the decision uses
     * @param swappedMax the best cosine over the guard half: the null score with the halves' roles swapped
     * @param swappedSmoothMax the smooth-max over the null half, the guard of {@code swappedMax}
     */
    public record CohortScores(double max, double smoothMax, double swappedMax, double swappedSmoothMax) {
        public CohortScores {
            if (!(max >= -1 && max <= 1) || !(swappedMax >= -1 && swappedMax <= 1)) {
                throw new IllegalArgumentException(
                        "expected cohort maxima in [-1, 1], found " + max + ", " + swappedMax);
            }
            if (!Double.isFinite(smoothMax) || !Double.isFinite(swappedSmoothMax)) {
                throw new IllegalArgumentException(
                        "expected finite smooth-maxima, found " + smoothMax + ", " + swappedSmoothMax);
            }
        }
    }
}

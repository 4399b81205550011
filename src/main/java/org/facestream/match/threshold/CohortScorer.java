package org.facestream.match.threshold;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

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
 * <p>Contamination (issue 12): a cohort identity that is really an enrolled person scores that person's probes
 * as genuine, not null. {@link #score(float[], boolean[], FpirPolicy.Contamination)} leaves out of a probe's
 * scores the identities the hygiene check excluded ({@link CohortHygiene}) and those at or above the
 * same-person cosine for this probe (its own person under another name), and takes the guard smooth-max
 * without its half's top identity; each null score names the identity that produced it, so the window can
 * bound how many tail scores one identity owns.
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
    /** Identity names, by index: the operator's cohort folder names, stable across instances. */
    private final List<String> names;

    /**
     * @param cohort one template per cohort identity, each of the same length; normalised here
     * @param scale the smooth-max scale s, positive
     */
    public CohortScorer(float[][] cohort, double scale) {
        this(cohort, singletons(cohort), defaultNames(cohort == null ? 0 : cohort.length), scale);
    }

    /**
     * A cohort whose identities have one or more templates each; an identity's cosine is the max over its own.
     *
     * @param identities per identity its templates (at least one), all of the same length; normalised here
     * @param scale the smooth-max scale s, positive
     */
    public static CohortScorer ofIdentities(List<float[][]> identities, double scale) {
        return ofIdentities(defaultNames(identities == null ? 0 : identities.size()), identities, scale);
    }

    /**
     * As {@link #ofIdentities(List, double)} with the identities' names (reports and audit records name them).
     *
     * @param names one distinct name per identity, in the same order
     */
    public static CohortScorer ofIdentities(List<String> names, List<float[][]> identities, double scale) {
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
        return new CohortScorer(all.toArray(float[][]::new), starts, names, scale);
    }

    private static List<String> defaultNames(int n) {
        return IntStream.range(0, n).mapToObj(i -> "cohort-" + i).toList();
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

    private CohortScorer(float[][] cohort, int[] starts, List<String> names, double scale) {
        if (cohort == null || cohort.length < 2) {
            throw new IllegalArgumentException(
                    "expected at least two cohort templates, found " + (cohort == null ? "none" : cohort.length));
        }
        if (names == null || names.size() != starts.length - 1) {
            throw new IllegalArgumentException("expected " + (starts.length - 1) + " cohort identity names, found "
                    + (names == null ? "none" : names.size()));
        }
        if (names.stream().distinct().count() != names.size()
                || names.stream().anyMatch(n -> n == null || n.isBlank())) {
            throw new IllegalArgumentException("expected distinct non-blank cohort identity names, found " + names);
        }
        this.names = List.copyOf(names);
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

    /** Number of templates, all identities together. */
    public int templateCount() {
        return starts[size];
    }

    /** Templates of identity {@code i}. */
    public int templateCount(int i) {
        return starts[i + 1] - starts[i];
    }

    /** The name of identity {@code i} (its cohort folder, or {@code cohort-<i>}). */
    public String name(int i) {
        return names.get(i);
    }

    /** Identity names by index. */
    public List<String> names() {
        return names;
    }

    /** Identity {@code i}'s templates, L2-normalised copies. */
    public List<float[]> templates(int i) {
        List<float[]> out = new ArrayList<>(templateCount(i));
        for (int r = starts[i]; r < starts[i + 1]; r++) {
            out.add(Arrays.copyOfRange(rows, r * dimension, (r + 1) * dimension));
        }
        return out;
    }

    /** The best cosine between identity {@code i}'s templates and {@code template} (unit length). */
    public double cosine(int i, float[] template) {
        double best = Double.NEGATIVE_INFINITY;
        for (int r = starts[i]; r < starts[i + 1]; r++) {
            best = Math.max(best, dot(rows, r * dimension, template, dimension));
        }
        return Math.max(-1, Math.min(1, best));
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

    /** The probe's best and smooth-max cosines against the whole cohort; the probe need not be normalised. */
    public CohortScores score(float[] probe) {
        return of(cosines(probe), scale);
    }

    /**
     * The probe's scores under the contamination rules: identities {@code excluded} marks (hygiene) and those
     * whose cosine reaches {@link FpirPolicy.Contamination#samePersonCosine()} (the probe's own person) are left
     * out of both halves; the guard smooth-max leaves out its half's top {@link
     * FpirPolicy.Contamination#guardLeaveOut()} usable identities when the half has more.
     *
     * @param excluded per identity whether it is left out of every probe's scores, or null for none
     */
    public CohortScores score(float[] probe, boolean[] excluded, FpirPolicy.Contamination rules) {
        double[] cosines = cosines(probe);
        boolean[] usable = new boolean[size];
        List<Integer> samePerson = List.of();
        for (int i = 0; i < size; i++) {
            boolean out = excluded != null && excluded[i];
            if (!out && rules.samePerson(cosines[i])) {
                if (samePerson.isEmpty()) {
                    samePerson = new ArrayList<>();
                }
                samePerson.add(i);
                out = true;
            }
            usable[i] = !out;
        }
        return of(cosines, usable, scale, rules.guardLeaveOut(), samePerson);
    }

    private double[] cosines(float[] probe) {
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
        return cosines;
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

    /**
     * As {@link #of(double[], double)} over the {@code usable} identities only, the guard smooth-maxes without
     * each half's top {@code guardLeaveOut} usable identities (when the half has more). A half with no usable
     * identity gives NaN: no null score from it as the null half, no probe-conditional shift as the guard.
     *
     * @param samePerson the identities left out as the probe's own person (counted by the window)
     */
    public static CohortScores of(
            double[] cosines, boolean[] usable, double scale, int guardLeaveOut, List<Integer> samePerson) {
        if (cosines.length < 2 || usable.length != cosines.length) {
            throw new IllegalArgumentException("expected at least two cohort cosines and a usable flag each, found "
                    + cosines.length + " and " + usable.length);
        }
        int nullBest = argmax(cosines, usable, 1, -1);
        int guardBest = argmax(cosines, usable, 0, -1);
        return new CohortScores(
                nullBest < 0 ? Double.NaN : cosines[nullBest],
                guard(cosines, usable, 0, scale, guardLeaveOut),
                guardBest < 0 ? Double.NaN : cosines[guardBest],
                guard(cosines, usable, 1, scale, guardLeaveOut),
                nullBest,
                guardBest,
                samePerson);
    }

    /** Index of the highest usable cosine among every other from {@code first}, other than {@code skip}; -1 if none. */
    private static int argmax(double[] cosines, boolean[] usable, int first, int skip) {
        int best = -1;
        for (int i = first; i < cosines.length; i += 2) {
            if (usable[i] && i != skip && (best < 0 || cosines[i] > cosines[best])) {
                best = i;
            }
        }
        return best;
    }

    /** The smooth-max over a half's usable identities, leaving out its top {@code leaveOut} when it has more. */
    private static double guard(double[] cosines, boolean[] usable, int first, double scale, int leaveOut) {
        int count = 0;
        for (int i = first; i < cosines.length; i += 2) {
            count += usable[i] ? 1 : 0;
        }
        if (count == 0) {
            return Double.NaN;
        }
        boolean[] in = usable.clone();
        if (count > leaveOut) {
            for (int k = 0; k < leaveOut; k++) {
                in[argmax(cosines, in, first, -1)] = false;
            }
        }
        double m = cosines[argmax(cosines, in, first, -1)];
        double sum = 0;
        for (int i = first; i < cosines.length; i += 2) {
            if (in[i]) {
                sum += Math.exp(scale * (cosines[i] - m));
            }
        }
        return m + Math.log(sum) / scale;
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
     * @param max the best usable cosine over the null half, in [-1, 1]: the probe's null score (NaN: the half
     *     has no usable identity for this probe, so it gives none)
     * @param smoothMax {@code (1/s) log Σ exp(s cos_j)} over the guard half, n_q: what the decision uses (NaN: no
     *     usable identity, no probe-conditional shift)
     * @param swappedMax the best cosine over the guard half: the null score with the halves' roles swapped
     * @param swappedSmoothMax the smooth-max over the null half, the guard of {@code swappedMax}
     * @param maxIdentity the cohort identity behind {@code max}, -1 when unknown or none
     * @param swappedMaxIdentity the cohort identity behind {@code swappedMax}, -1 when unknown or none
     * @param samePerson identities left out as the probe's own person
     */
    public record CohortScores(
            double max,
            double smoothMax,
            double swappedMax,
            double swappedSmoothMax,
            int maxIdentity,
            int swappedMaxIdentity,
            List<Integer> samePerson) {
        public CohortScores {
            if (!(Double.isNaN(max) || max >= -1 && max <= 1)
                    || !(Double.isNaN(swappedMax) || swappedMax >= -1 && swappedMax <= 1)) {
                throw new IllegalArgumentException(
                        "expected cohort maxima in [-1, 1] or NaN, found " + max + ", " + swappedMax);
            }
            if (Double.isInfinite(smoothMax) || Double.isInfinite(swappedSmoothMax)) {
                throw new IllegalArgumentException(
                        "expected finite smooth-maxima or NaN, found " + smoothMax + ", " + swappedSmoothMax);
            }
            samePerson = List.copyOf(samePerson);
        }

        /** Scores of the whole cohort, without identities. */
        public CohortScores(double max, double smoothMax, double swappedMax, double swappedSmoothMax) {
            this(max, smoothMax, swappedMax, swappedSmoothMax, -1, -1, List.of());
        }

        /** Whether the null half gave a null score with a guard to go with it. */
        public boolean hasNull() {
            return !Double.isNaN(max) && !Double.isNaN(smoothMax);
        }

        /** Whether the swapped assignment gave a null score with a guard. */
        public boolean hasSwappedNull() {
            return !Double.isNaN(swappedMax) && !Double.isNaN(swappedSmoothMax);
        }
    }
}

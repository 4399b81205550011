package org.facestream.match.threshold;

import java.util.Objects;
import org.facestream.events.FaceQuality;

/**
 * Settings of the adaptive FPIR threshold, shared by the matcher instances (which record null scores and
 * decide) and the aggregator (which estimates and publishes): both must use the same β, or the residual
 * null scores and the decision rule disagree, and the same {@link Contamination} rules, or the tail lists the
 * matchers report are not the ones the aggregator reads.
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
 * @param fallRunLength the published threshold is the highest of the last this many raw estimates: it rises at
 *     once and follows the raw estimate down after a run of this many estimates below it (1 = follow at once)
 * @param alertDelta a raw estimate this far from the published value counts as a large move (alert metric)
 * @param cameraQuotaFactor a camera feeds at most this multiple of the median camera's share of a window
 *     bucket (0 = no quota)
 * @param cameraMinAllowance scores per bucket any camera may feed regardless of the quota
 * @param windowBuckets the sliding window is a ring of this many sketches
 * @param maxWindowSamples cap on the window size however extreme the level
 * @param fallbackMatedFraction π for the leave-top-1-out fallback (see {@link NullLevels#leaveTopOneOut})
 * @param feedGate faces that fail it never feed the estimator (stricter than the worker's gate: their scores
 *     are trusted as null samples)
 * @param levelIdentityWeight w in the level's exponent {@code w·K/N + (1-w)·C/T} (see {@link
 *     NullLevels#cohortMax(double, int, int, int, int, double)}), in [0, 1]
 * @param contamination the rules that keep cohort identities which are really enrolled people out of the null
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
        int fallRunLength,
        double alertDelta,
        double cameraQuotaFactor,
        int cameraMinAllowance,
        int windowBuckets,
        long maxWindowSamples,
        double fallbackMatedFraction,
        FaceQuality.Gate feedGate,
        double levelIdentityWeight,
        Contamination contamination) {
    /** Policy name carried by {@link org.facestream.events.ThresholdRef#policy()}. */
    public static final String POLICY = "adaptive-fpir";

    /**
     * The contamination-robust rules (issue 12): a cohort identity that is really an enrolled subject (the same
     * person under another name, which every real cohort has) turns each probe of that subject into a high
     * "null" score, and with heavy-tailed probe counts one such identity soon owns the tail the quantile is read
     * from. Parameters chosen on tuning seeds 6-15 of the evaluation sets, never on the reported seeds 1-5.
     *
     * @param samePersonCosine a cohort identity scoring at least this against a probe (or a priming template) is
     *     that probe's own person, not a null: it is left out of both halves for that probe
     * @param hygieneCosine a cohort identity scoring at least this against any gallery template is flagged (log,
     *     metric, audit record) and left out of every null score while it does
     * @param guardLeaveOut the guard smooth-max n_q leaves out its half's top this many identities (when the half
     *     has more), so a duplicate in the guard half cannot raise its own subject's threshold
     * @param reportListFactor each window bucket lists its top {@code factor · ρ · bucket} scores with their
     *     cohort identity and camera (ρ the tail mass the read uses, see {@link #readMass})
     * @param tailCapMin a cohort identity may own at least this many of the m tail scores read
     * @param tailCapShare ... and at most this many times its even share of them, {@code ⌈share·m/K_u⌉}
     * @param cameraTailShare a camera may own at most this many times its even share of the tail scores read
     * @param cameraTailMin ... and at least this many
     */
    public record Contamination(
            double samePersonCosine,
            double hygieneCosine,
            int guardLeaveOut,
            double reportListFactor,
            int tailCapMin,
            double tailCapShare,
            double cameraTailShare,
            int cameraTailMin) {
        /** The largest cap (and the value that turns capping off). */
        public static final int NO_CAP = 1_000_000_000;

        public Contamination {
            check("samePersonCosine", samePersonCosine, 0, 2);
            check("hygieneCosine", hygieneCosine, 0, 2);
            check("guardLeaveOut", guardLeaveOut, 0, 100);
            check("reportListFactor", reportListFactor, 1, 1000);
            check("tailCapMin", tailCapMin, 1, NO_CAP);
            check("tailCapShare", tailCapShare, 0, 1e9);
            check("cameraTailShare", cameraTailShare, 0, 1e9);
            check("cameraTailMin", cameraTailMin, 1, NO_CAP);
        }

        /** Same person at 0.50, hygiene at 0.40, guard without its top identity, lists of 4x the tail, cap max(3, 4x). */
        public static Contamination defaults() {
            return new Contamination(0.50, 0.40, 1, 4, 3, 4, 2, 10);
        }

        /**
         * None of the rules: no exclusion, the whole guard half, no cap (the lists are still kept and reported):
         * the estimator as it was before issue 12, for comparisons.
         */
        public static Contamination none() {
            return new Contamination(2, 2, 0, 4, NO_CAP, 0, 0, NO_CAP);
        }

        /** Whether {@code cosine} between a probe and a cohort identity says they are the same person. */
        public boolean samePerson(double cosine) {
            return cosine >= samePersonCosine;
        }
    }

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
        check("fallRunLength", fallRunLength, 1, 1000);
        check("alertDelta", alertDelta, 0, 2);
        check("cameraQuotaFactor", cameraQuotaFactor, 0, 1000);
        check("cameraMinAllowance", cameraMinAllowance, 1, 1_000_000);
        check("windowBuckets", windowBuckets, 2, 1000);
        check("maxWindowSamples", maxWindowSamples, 1000, 1e9);
        check("fallbackMatedFraction", fallbackMatedFraction, 0, 1);
        Objects.requireNonNull(feedGate, "feedGate");
        check("levelIdentityWeight", levelIdentityWeight, 0, 1);
        Objects.requireNonNull(contamination, "contamination");
    }

    /**
     * Defaults for a target α: guard β = 1, bounds [0.2, 0.7], initial 0.4 (the reference study's FPIR 0.01
     * threshold for a 150-identity watch-list was about 0.34, 0.39-0.42 for 0.001), margin 0.02, 40 tail
     * scores, GPD at α ≤ 0.005, published value the highest of the last 3 raw estimates, alert at 0.03, camera
     * quota 2x the median, level weight 0.25, {@link Contamination#defaults()}.
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
                3,
                0.03,
                2.0,
                50,
                10,
                2_000_000,
                0.0,
                new FaceQuality.Gate(0.5, 16),
                0.25,
                Contamination.defaults());
    }

    public FpirPolicy withBeta(double beta) {
        return new Builder(this).beta(beta).build();
    }

    public FpirPolicy withAmbiguityMargin(double margin) {
        return new Builder(this).ambiguityMargin(margin).build();
    }

    public FpirPolicy withCameraQuotaFactor(double factor) {
        return new Builder(this).cameraQuotaFactor(factor).build();
    }

    public FpirPolicy withBounds(double floor, double ceiling, double initial) {
        return new Builder(this).bounds(floor, ceiling, initial).build();
    }

    public FpirPolicy withFallbackMatedFraction(double matedFraction) {
        return new Builder(this).fallbackMatedFraction(matedFraction).build();
    }

    public FpirPolicy withFallRunLength(int runLength) {
        return new Builder(this).fallRunLength(runLength).build();
    }

    public FpirPolicy withLevelIdentityWeight(double weight) {
        return new Builder(this).levelIdentityWeight(weight).build();
    }

    public FpirPolicy withContamination(Contamination rules) {
        return new Builder(this).contamination(rules).build();
    }

    /** The quantile level of the null scores for a gallery of N identities and a cohort of K (0 = fallback). */
    public double level(int galleryN, int cohortK) {
        return level(galleryN, galleryN, cohortK, cohortK);
    }

    /**
     * The quantile level for a gallery of N identities enrolled with T templates and null scores over K cohort
     * identities with C templates (see {@link NullLevels#cohortMax(double, int, int, int, int, double)}, weighted
     * by {@link #levelIdentityWeight}); the leave-top-1-out fallback (K = 0) counts identities.
     */
    public double level(int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        return cohortK > 0
                ? NullLevels.cohortMax(alpha, cohortK, cohortTemplates, galleryN, galleryTemplates, levelIdentityWeight)
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

    /**
     * ρ, the share of the window the estimate reads at {@code level}: the tail above it when α is read from the
     * histogram, the GPD fit's exceedances ({@code min(0.5, 50(1 - level))}) when α is at most {@link
     * #tailModelMaxAlpha}. It sizes the tail lists and the cap.
     */
    public double readMass(double level) {
        double tail = 1 - level;
        return alpha > tailModelMaxAlpha ? tail : Math.min(0.5, FpirThresholdEstimator.TAIL_MASS_FACTOR * tail);
    }

    /** The tail scores one cohort identity may own among {@code m}: {@code max(tailCapMin, ⌈tailCapShare·m/K_u⌉)}. */
    public int tailCap(double m, int usableIdentities) {
        double share = Math.ceil(contamination.tailCapShare() * m / Math.max(1, usableIdentities));
        return (int) Math.min(Contamination.NO_CAP, Math.max(contamination.tailCapMin(), share));
    }

    /** The tail scores one camera may own among {@code m} when {@code cameras} cameras are listed. */
    public int cameraTailCap(double m, int cameras) {
        double share = Math.ceil(contamination.cameraTailShare() * m / Math.max(1, cameras));
        return (int) Math.min(Contamination.NO_CAP, Math.max(contamination.cameraTailMin(), share));
    }

    /** Entries each window bucket of {@code bucketCapacity} scores lists at {@code level}: {@code ⌈factor·ρ·bucket⌉}. */
    public int listPerBucket(long bucketCapacity, double level) {
        double listed = Math.ceil(contamination.reportListFactor() * readMass(level) * bucketCapacity);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, listed));
    }

    private static void check(String name, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("expected " + name + " in [" + min + ", " + max + "], found " + v);
        }
    }

    /** Copies a policy with some fields replaced (the withers). */
    private static final class Builder {
        private final FpirPolicy p;
        private double beta;
        private double floor;
        private double ceiling;
        private double initial;
        private double ambiguityMargin;
        private int fallRunLength;
        private double cameraQuotaFactor;
        private double fallbackMatedFraction;
        private double levelIdentityWeight;
        private Contamination contamination;

        Builder(FpirPolicy p) {
            this.p = p;
            this.beta = p.beta;
            this.floor = p.floor;
            this.ceiling = p.ceiling;
            this.initial = p.initial;
            this.ambiguityMargin = p.ambiguityMargin;
            this.fallRunLength = p.fallRunLength;
            this.cameraQuotaFactor = p.cameraQuotaFactor;
            this.fallbackMatedFraction = p.fallbackMatedFraction;
            this.levelIdentityWeight = p.levelIdentityWeight;
            this.contamination = p.contamination;
        }

        Builder beta(double v) {
            beta = v;
            return this;
        }

        Builder bounds(double f, double c, double i) {
            floor = f;
            ceiling = c;
            initial = i;
            return this;
        }

        Builder ambiguityMargin(double v) {
            ambiguityMargin = v;
            return this;
        }

        Builder fallRunLength(int v) {
            fallRunLength = v;
            return this;
        }

        Builder cameraQuotaFactor(double v) {
            cameraQuotaFactor = v;
            return this;
        }

        Builder fallbackMatedFraction(double v) {
            fallbackMatedFraction = v;
            return this;
        }

        Builder levelIdentityWeight(double v) {
            levelIdentityWeight = v;
            return this;
        }

        Builder contamination(Contamination v) {
            contamination = v;
            return this;
        }

        FpirPolicy build() {
            return new FpirPolicy(
                    p.policyId,
                    p.alpha,
                    beta,
                    p.smoothMaxScale,
                    floor,
                    ceiling,
                    initial,
                    ambiguityMargin,
                    p.tailCount,
                    p.tailModelMaxAlpha,
                    fallRunLength,
                    p.alertDelta,
                    cameraQuotaFactor,
                    p.cameraMinAllowance,
                    p.windowBuckets,
                    p.maxWindowSamples,
                    fallbackMatedFraction,
                    p.feedGate,
                    levelIdentityWeight,
                    contamination);
        }
    }
}

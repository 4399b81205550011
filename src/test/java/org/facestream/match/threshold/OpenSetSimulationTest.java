package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.facestream.events.ThresholdState;
import org.facestream.match.AdaptiveThreshold;
import org.junit.jupiter.api.Test;

/**
 * Seeded score-level simulation of an open-set stream: does the adaptive threshold hold the target FPIR
 * where a fixed one drifts? Impostor cosines are ArcFace-like, N(μ_p, sd) with sd 0.08 and a per-probe
 * offset μ_p ~ N(shift, 0.03) (some faces resemble everyone more); genuine scores N(0.6, 0.08).
 * Gallery N = 150, cohort K = 60, 10 cameras, 30% mated probes, target α = 0.01. The fixed threshold is
 * the oracle of the warm-up phase (so it starts exactly at α). Realised FPIR counts every non-mated probe
 * of the evaluation phase, the adaptation period included.
 */
class OpenSetSimulationTest {
    private static final int N = 150;
    private static final int COHORT = 60;
    private static final int K = COHORT / 2; // the null half (see CohortScorer)
    private static final double ALPHA = 0.01;
    private static final int CAMERAS = 10;
    private static final int REPORT_EVERY = 500;

    /** A segment of the stream: how its probes' impostor scores are distributed. */
    record Phase(int probes, double shift, double sd, double floodShift, double floodSd, int floodFactor) {
        static Phase plain(int probes, double shift, double sd) {
            return new Phase(probes, shift, sd, 0, 0, 0);
        }
    }

    /** Realised rates of one run. */
    record Result(
            double fpirAdaptive,
            double fpirFixed,
            double dirAdaptive,
            double dirFixed,
            double fixedThreshold,
            double fpirAdaptiveNormalCameras,
            double fpirAdaptiveFloodCamera,
            double lastThreshold,
            long versions,
            long droppedByQuota) {}

    static Result run(FpirPolicy policy, long seed, Phase warmup, Phase... evaluation) {
        Random random = new Random(seed);
        FpirThresholdEstimator estimator = new FpirThresholdEstimator(policy);
        NullScoreWindow window = new NullScoreWindow(policy, policy.windowSamples(N, K));
        ThresholdState[] state = {null};
        double[] warmupNonMatedBest = new double[warmup.probes()];
        int[] warmupCount = {0};
        long[] counters = new long[12]; // see names below
        double fixed = Double.NaN;
        long probeNo = 0;
        for (int p = 0; p <= evaluation.length; p++) {
            Phase phase = p == 0 ? warmup : evaluation[p - 1];
            if (p == 1) {
                double[] best = Arrays.copyOf(warmupNonMatedBest, warmupCount[0]);
                Arrays.sort(best);
                fixed = best[(int) Math.ceil((1 - policy.alpha()) * best.length)];
            }
            int floodEvery = phase.floodFactor() > 0 ? phase.floodFactor() + CAMERAS - 1 : 0;
            for (int i = 0; i < phase.probes(); i++) {
                probeNo++;
                // With a flood, camera 0 sends floodFactor probes for every one of each other camera.
                boolean flood = floodEvery > 0 && (i % floodEvery) < phase.floodFactor();
                String camera = flood ? "cam-0" : "cam-" + (floodEvery > 0 ? 1 + i % (CAMERAS - 1) : i % CAMERAS);
                double shift = flood ? phase.floodShift() : phase.shift();
                double sd = flood ? phase.floodSd() : phase.sd();
                double offset = shift + 0.03 * random.nextGaussian();
                double[] cohort = new double[COHORT];
                for (int j = 0; j < COHORT; j++) {
                    cohort[j] = offset + sd * random.nextGaussian();
                }
                boolean mated = random.nextDouble() < 0.3;
                double best = -1;
                double second = -1;
                for (int j = 0; j < (mated ? N - 1 : N); j++) {
                    double s = offset + sd * random.nextGaussian();
                    if (s > best) {
                        second = best;
                        best = s;
                    } else if (s > second) {
                        second = s;
                    }
                }
                boolean bestIsMate = false;
                if (mated) {
                    double genuine = Math.min(1, 0.6 + 0.08 * random.nextGaussian());
                    if (genuine > best) {
                        second = best;
                        best = genuine;
                        bestIsMate = true;
                    } else if (genuine > second) {
                        second = genuine;
                    }
                }
                CohortScorer.CohortScores cs = CohortScorer.of(cohort, policy.smoothMaxScale());
                window.offer(camera, FpirThresholdEstimator.residual(policy, cs.max(), cs.smoothMax()), cs.smoothMax());
                if (probeNo % REPORT_EVERY == 0) {
                    FpirThresholdEstimator.Estimate e = estimator.estimate(window.snapshot(), N, K);
                    state[0] = estimator.next(state[0], e, N, K, Instant.EPOCH.plusSeconds(probeNo));
                }
                if (p == 0) {
                    if (!mated) {
                        warmupNonMatedBest[warmupCount[0]++] = best;
                    }
                    continue;
                }
                double tau = state[0] == null
                        ? policy.initial()
                        : FpirThresholdEstimator.probeThreshold(state[0], policy, cs.smoothMax());
                boolean adaptiveAccepts = AdaptiveThreshold.accepts(best, second, tau, policy.ambiguityMargin());
                boolean fixedAccepts = best >= fixed;
                if (mated) {
                    counters[0]++;
                    counters[1] += adaptiveAccepts && bestIsMate ? 1 : 0;
                    counters[2] += fixedAccepts && bestIsMate ? 1 : 0;
                } else {
                    counters[3]++;
                    counters[4] += adaptiveAccepts ? 1 : 0;
                    counters[5] += fixedAccepts ? 1 : 0;
                    int group = flood ? 8 : 6;
                    counters[group]++;
                    counters[group + 1] += adaptiveAccepts ? 1 : 0;
                }
            }
        }
        return new Result(
                (double) counters[4] / counters[3],
                (double) counters[5] / counters[3],
                (double) counters[1] / counters[0],
                (double) counters[2] / counters[0],
                fixed,
                counters[6] == 0 ? Double.NaN : (double) counters[7] / counters[6],
                counters[8] == 0 ? Double.NaN : (double) counters[9] / counters[8],
                state[0].value(),
                state[0].version(),
                window.droppedByQuota());
    }

    private static void print(String name, Result r) {
        print(name, r, ALPHA);
    }

    private static void print(String name, Result r, double alpha) {
        System.out.printf(
                "%s: FPIR adaptive %.4f (%.2fx) fixed %.4f (%.2fx) | DIR@1 adaptive %.3f fixed %.3f | fixed tau %.3f,"
                        + " last adaptive tau %.3f (v%d) | FPIR normal cams %.4f flood cam %.4f | quota dropped %d%n",
                name,
                r.fpirAdaptive(),
                r.fpirAdaptive() / alpha,
                r.fpirFixed(),
                r.fpirFixed() / alpha,
                r.dirAdaptive(),
                r.dirFixed(),
                r.fixedThreshold(),
                r.lastThreshold(),
                r.versions(),
                r.fpirAdaptiveNormalCameras(),
                r.fpirAdaptiveFloodCamera(),
                r.droppedByQuota());
    }

    private static final Phase WARMUP = Phase.plain(30_000, 0.0, 0.08);

    @Test
    void adaptiveHoldsTargetFpirOnAStationaryStream() {
        Result r = run(FpirPolicy.defaults("sim", ALPHA), 11, WARMUP, Phase.plain(60_000, 0.0, 0.08));
        print("stationary", r);
        assertThat(r.fpirAdaptive()).isBetween(0.5 * ALPHA, 2 * ALPHA);
        assertThat(r.fpirFixed()).isBetween(0.5 * ALPHA, 2 * ALPHA);
        assertThat(r.dirAdaptive()).isGreaterThan(0.9);
    }

    @Test
    void adaptiveHoldsTargetFpirUnderDriftWhileFixedDoesNot() {
        // Halfway the probes get blurred and darker: impostor scores shift up by 0.05 and spread to sd 0.09.
        Result r = run(
                FpirPolicy.defaults("sim", ALPHA),
                12,
                WARMUP,
                Phase.plain(30_000, 0.0, 0.08),
                Phase.plain(30_000, 0.05, 0.09));
        print("drift", r);
        assertThat(r.fpirAdaptive()).isBetween(0.5 * ALPHA, 2 * ALPHA);
        assertThat(r.fpirFixed()).isGreaterThan(3 * ALPHA);
        assertThat(r.lastThreshold()).isGreaterThan(r.fixedThreshold());
    }

    @Test
    void adaptiveHoldsTargetFpirWhenOneCameraFloodsWhileFixedDoesNot() {
        // Camera 0 sends 10x the probes of each other camera, and its impostors score 0.05 higher.
        Phase flood = new Phase(60_000, 0.0, 0.08, 0.05, 0.08, 10);
        Result r = run(FpirPolicy.defaults("sim", ALPHA), 13, WARMUP, flood);
        Result noQuota = run(FpirPolicy.defaults("sim", ALPHA).withCameraQuotaFactor(0), 13, WARMUP, flood);
        Result noGuard =
                run(FpirPolicy.defaults("sim", ALPHA).withCameraQuotaFactor(0).withBeta(0), 13, WARMUP, flood);
        print("flood", r);
        print("flood, no quota", noQuota);
        print("flood, no quota, no guard", noGuard);
        assertThat(r.fpirAdaptive()).isBetween(0.5 * ALPHA, 2 * ALPHA);
        assertThat(r.fpirAdaptiveNormalCameras()).isBetween(0.5 * ALPHA, 2 * ALPHA);
        assertThat(r.fpirFixed()).isGreaterThan(3 * ALPHA);
        assertThat(r.droppedByQuota()).isGreaterThan(10_000);
        // Without the guard the flooded camera's share drags one global threshold up for every other camera.
        assertThat(noGuard.fpirAdaptiveNormalCameras()).isLessThan(0.5 * ALPHA);
    }

    @Test
    void tailModelHoldsTargetFpirAtOnePerThousand() {
        double alpha = 0.001;
        FpirPolicy policy = FpirPolicy.defaults("sim", alpha);
        // Level (1-0.001)^(30/150) = 0.9998: the window would need 200,000 scores for 40 above the quantile;
        // the GPD fitted above the 0.998 quantile reads it from 60,000.
        Result r = run(policy, 14, Phase.plain(60_000, 0.0, 0.08), Phase.plain(140_000, 0.0, 0.08));
        print("stationary alpha 0.001 (tail model)", r, alpha);
        assertThat(r.fpirAdaptive()).isBetween(0.5 * alpha, 2 * alpha);
    }
}

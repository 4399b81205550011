package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.facestream.eval.VerificationMetrics.RocPoint;
import org.junit.jupiter.api.Test;

class VerificationMetricsTest {
    private static final double[] SCORES = {0.9, 0.8, 0.7, 0.35, 0.1, 0.3, 0.2, 0.4, 0.05, -0.1};
    private static final boolean[] SAME = {true, true, true, true, true, false, false, false, false, false};

    @Test
    void bestThresholdSitsBetweenScoresAndMaximisesAccuracy() {
        // sorted: -0.1 n, 0.05 n, 0.1 s, 0.2 n, 0.3 n, 0.35 s, 0.4 n, 0.7 s, 0.8 s, 0.9 s
        // cutting between 0.3 and 0.35 errs on 0.1 (s) and 0.4 (n): 8/10, the best possible here
        double t = VerificationMetrics.bestThreshold(SCORES, SAME);
        assertThat(t).isCloseTo(0.325, within(1e-9));
        assertThat(VerificationMetrics.accuracy(SCORES, SAME, t)).isEqualTo(0.8);
    }

    @Test
    void separableScoresGivePerfectAccuracy() {
        double[] s = {0.6, 0.5, 0.45, 0.2, 0.1, 0.3};
        boolean[] same = {true, true, true, false, false, false};
        double t = VerificationMetrics.bestThreshold(s, same);
        assertThat(t).isCloseTo(0.375, within(1e-9));
        assertThat(VerificationMetrics.accuracy(s, same, t)).isEqualTo(1.0);
    }

    @Test
    void tarAtFarAllowsFloorOfFarTimesImpostors() {
        // 1,000 impostors at 0..0.999, 100 genuine at 0.9985..1.0975: FAR 1e-3 lets one impostor (0.999) through,
        // so the threshold is the second-highest impostor 0.998, above which all genuine scores lie
        int n = 1000;
        double[] s = new double[n + 100];
        boolean[] same = new boolean[n + 100];
        for (int i = 0; i < n; i++) {
            s[i] = i / 1000.0;
        }
        for (int i = 0; i < 100; i++) {
            s[n + i] = 0.9985 + i * 0.001;
            same[n + i] = true;
        }
        RocPoint p = VerificationMetrics.thresholdAtFar(s, same, 1e-3);
        assertThat(p.threshold()).isEqualTo(0.998);
        assertThat(p.far()).isEqualTo(1e-3);
        assertThat(p.tar()).isEqualTo(1.0);
        // FAR 0: threshold at the top impostor 0.999; the genuine 0.9985 falls below it
        assertThat(VerificationMetrics.tarAtFar(s, same, 0)).isCloseTo(0.99, within(1e-12));
        assertThat(VerificationMetrics.tarAtFar(s, same, 1e-2)).isEqualTo(1.0);
    }

    @Test
    void rocRunsFromOriginToOneOne() {
        List<RocPoint> roc = VerificationMetrics.roc(SCORES, SAME);
        assertThat(roc.get(0).far()).isZero();
        assertThat(roc.get(0).tar()).isZero();
        assertThat(roc.get(roc.size() - 1).far()).isEqualTo(1.0);
        assertThat(roc.get(roc.size() - 1).tar()).isEqualTo(1.0);
        assertThat(roc).hasSize(11);
        // after 0.9, 0.8, 0.7: three genuine, no impostor
        assertThat(roc.get(3).tar()).isEqualTo(0.6);
        assertThat(roc.get(3).far()).isZero();
        for (int i = 1; i < roc.size(); i++) {
            assertThat(roc.get(i).far()).isGreaterThanOrEqualTo(roc.get(i - 1).far());
            assertThat(roc.get(i).tar()).isGreaterThanOrEqualTo(roc.get(i - 1).tar());
        }
    }

    @Test
    void rocWithGenuineAttemptsNeverAcceptedTopsOutBelowOne() {
        // open-set identification: two mated probes found their subject (0.9, 0.5), one found someone else (never
        // accepted), two non-mated probes score 0.7 and 0.3; DIR at rank 1 reaches 2/3 at most
        List<RocPoint> roc =
                VerificationMetrics.roc(new double[] {0.9, 0.5, 0.7, 0.3}, new boolean[] {true, true, false, false}, 1);
        assertThat(roc).extracting(RocPoint::far).containsExactly(0.0, 0.0, 0.5, 0.5, 1.0);
        assertThat(roc).extracting(RocPoint::tar).containsExactly(0.0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3);
        assertThatThrownBy(() -> VerificationMetrics.roc(new double[] {0.9}, new boolean[] {true}, -1))
                .hasMessage("expected neverAccepted >= 0, found -1");
    }

    @Test
    void crossValidationOnSyntheticGaussians() {
        // genuine ~ N(0.6, 0.1), impostor ~ N(0.0, 0.1): the best threshold is near 0.3 and accuracy near
        // Phi(3) = 0.99865; 3,200 pairs as in View 1
        Random r = new Random(1);
        int n = 3200;
        double[] s = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i < n / 2;
            s[i] = (same[i] ? 0.6 : 0.0) + 0.1 * r.nextGaussian();
        }
        VerificationReport report =
                VerificationEvaluation.crossValidate("synthetic", s, same, Folds.assign(same, 10, 42));
        assertThat(report.foldAccuracies()).hasSize(10);
        assertThat(report.meanAccuracy()).isBetween(0.995, 1.0);
        assertThat(report.stdAccuracy()).isBetween(0.0, 0.005);
        for (double t : report.foldThresholds()) {
            assertThat(t).isBetween(0.22, 0.38);
        }
        assertThat(report.tarAtFar1e2()).isBetween(0.97, 1.0);
        assertThat(report.tarAtFar1e3()).isLessThanOrEqualTo(report.tarAtFar1e2());
    }

    @Test
    void trainTestUsesTheTrainingThreshold() {
        double[] train = {0.9, 0.8, 0.1, 0.2};
        boolean[] trainSame = {true, true, false, false};
        double[] test = {0.6, 0.4, 0.45, 0.0};
        boolean[] testSame = {true, true, false, false};
        VerificationReport r = VerificationEvaluation.trainTest("t", train, trainSame, test, testSame);
        assertThat(r.foldThresholds()).containsExactly(0.5);
        assertThat(r.meanAccuracy()).isEqualTo(0.75); // 0.4 (same) falls below 0.5
        assertThat(r.stdAccuracy()).isZero();
    }

    @Test
    void meanAndPopulationStd() {
        assertThat(VerificationMetrics.meanAndStd(new double[] {1, 3})).containsExactly(2.0, 1.0);
    }

    @Test
    void rejectsMismatchedArraysAndNaN() {
        assertThatThrownBy(() -> VerificationMetrics.accuracy(new double[] {1}, new boolean[] {true, false}, 0))
                .hasMessage("expected equal, non-empty score and label arrays, found 1 scores and 2 labels");
        assertThatThrownBy(() -> VerificationMetrics.bestThreshold(new double[] {Double.NaN}, new boolean[] {true}))
                .hasMessage("expected scores that are numbers, found NaN");
    }
}

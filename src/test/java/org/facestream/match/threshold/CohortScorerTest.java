package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contamination rules of cohort scoring: same-person exclusion, hygiene exclusion, the guard's leave-out. */
class CohortScorerTest {
    private static final double S = CohortScorer.DEFAULT_SCALE;
    private static final FpirPolicy.Contamination RULES = FpirPolicy.Contamination.defaults();

    /** Odd indices are the null half, even ones the guard half. */
    private static final double[] COSINES = {0.10, 0.20, 0.30, 0.15, 0.05, 0.62, 0.12, 0.08};

    private static double smoothMax(double... c) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : c) {
            m = Math.max(m, v);
        }
        double sum = 0;
        for (double v : c) {
            sum += Math.exp(S * (v - m));
        }
        return m + Math.log(sum) / S;
    }

    @Test
    void aCohortIdentityAtTheSamePersonCosineIsLeftOutOfBothHalvesForThatProbe() {
        boolean[] usable = new boolean[COSINES.length];
        Arrays.fill(usable, true);
        usable[5] = false; // 0.62 >= 0.50: the probe's own person
        CohortScorer.CohortScores s = CohortScorer.of(COSINES, usable, S, 1, List.of(5));
        // null half {0.20, 0.15, (0.62), 0.08}: the max is 0.20 from identity 1, not 0.62 from identity 5
        assertThat(s.max()).isEqualTo(0.20);
        assertThat(s.maxIdentity()).isEqualTo(1);
        // its guard when swapped: the null half's smooth-max without its top usable identity (0.20)
        assertThat(s.swappedSmoothMax()).isCloseTo(smoothMax(0.15, 0.08), within(1e-12));
        // the guard half {0.10, 0.30, 0.05, 0.12} without its top (0.30)
        assertThat(s.smoothMax()).isCloseTo(smoothMax(0.10, 0.05, 0.12), within(1e-12));
        assertThat(s.swappedMax()).isEqualTo(0.30);
        assertThat(s.swappedMaxIdentity()).isEqualTo(2);
        assertThat(s.samePerson()).containsExactly(5);
    }

    @Test
    void scoringAProbeAppliesTheSamePersonCutOffAndTheHygieneExclusions() {
        float[][] cohort = new float[4][];
        for (int i = 0; i < 4; i++) {
            cohort[i] = new float[4];
            cohort[i][i] = 1;
        }
        CohortScorer scorer = CohortScorer.ofIdentities(
                List.of("a", "b", "c", "d"),
                List.of(new float[][] {cohort[0]}, new float[][] {cohort[1]}, new float[][] {cohort[2]}, new float[][] {
                    cohort[3]
                }),
                S);
        float[] probe = {0.1f, 0.7f, 0.3f, 0.2f}; // cosines 0.13, 0.88, 0.38, 0.25 (norm 0.794)
        CohortScorer.CohortScores all = scorer.score(probe, null, RULES);
        assertThat(all.samePerson()).containsExactly(1); // b is the probe's own person
        assertThat(all.maxIdentity()).isEqualTo(3); // the null half {b, d} without b
        assertThat(all.max()).isCloseTo(0.2 / Math.sqrt(0.63), within(1e-6));
        CohortScorer.CohortScores hygiene = scorer.score(probe, new boolean[] {false, false, false, true}, RULES);
        assertThat(hygiene.hasNull())
                .as("d excluded, b the probe's own: no null identity left")
                .isFalse();
        assertThat(hygiene.hasSwappedNull()).isFalse(); // the swapped null's guard half is empty
        assertThat(hygiene.swappedMaxIdentity()).isEqualTo(2);
        // without the rules every identity scores, the guard included
        CohortScorer.CohortScores none = scorer.score(probe, null, FpirPolicy.Contamination.none());
        assertThat(none.maxIdentity()).isEqualTo(1);
        assertThat(none.samePerson()).isEmpty();
        assertThat(none.max()).isCloseTo(scorer.score(probe).max(), within(1e-12));
        assertThat(none.smoothMax()).isCloseTo(scorer.score(probe).smoothMax(), within(1e-12));
    }

    @Test
    void aGuardHalfWithOneUsableIdentityKeepsItAndOneWithNoneGivesNoShift() {
        boolean[] usable = {true, true, false, true};
        CohortScorer.CohortScores s = CohortScorer.of(new double[] {0.3, 0.2, 0.4, 0.1}, usable, S, 1, List.of());
        assertThat(s.smoothMax())
                .as("one usable guard identity: nothing left out")
                .isEqualTo(0.3);
        boolean[] none = {false, true, false, true};
        CohortScorer.CohortScores t = CohortScorer.of(new double[] {0.3, 0.2, 0.4, 0.1}, none, S, 1, List.of());
        assertThat(t.smoothMax()).isNaN();
        assertThat(t.hasNull()).isFalse();
        assertThat(t.swappedMax()).isNaN();
    }
}

package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NullScoreSketchTest {
    @Test
    void mergedSketchesEqualTheSketchOfAllScoresAndRoundTripThroughBytes() {
        Random r = new Random(1);
        NullScoreSketch a = new NullScoreSketch();
        NullScoreSketch b = new NullScoreSketch();
        NullScoreSketch all = new NullScoreSketch();
        for (int i = 0; i < 20_000; i++) {
            double s = 0.05 + 0.08 * r.nextGaussian();
            (i % 3 == 0 ? a : b).add(s, 0.1);
            all.add(s, 0.1);
        }
        NullScoreSketch merged = NullScoreSketch.sum(List.of(a, b));
        assertThat(merged).isEqualTo(all);
        assertThat(merged.quantile(0.5)).isCloseTo(0.05, within(0.003));
        assertThat(merged.quantile(0.99)).isCloseTo(0.05 + 2.326 * 0.08, within(0.01));
        byte[] bytes = merged.toBytes();
        assertThat(bytes.length).isLessThan(8 * 1024); // sparse: ~1,000 occupied bins
        assertThat(NullScoreSketch.fromBytes(bytes)).isEqualTo(all);
    }

    @Test
    void refusesCorruptBytes() {
        NullScoreSketch s = new NullScoreSketch();
        s.add(0.2, 0);
        byte[] bytes = s.toBytes();
        bytes[5] = 9; // declared total no longer matches
        assertThatThrownBy(() -> NullScoreSketch.fromBytes(bytes))
                .hasMessageContaining("expected bin counts summing to");
        assertThatThrownBy(() -> NullScoreSketch.fromBytes(new byte[] {1, 0})).hasMessageContaining("truncated");
    }

    @Test
    void tailModelRecoversAnExtremeGaussianQuantileTheHistogramCannotResolve() {
        Random r = new Random(2);
        NullScoreSketch s = new NullScoreSketch();
        for (int i = 0; i < 30_000; i++) {
            s.add(0.1 * r.nextGaussian(), 0);
        }
        // level 0.9998: 6 scores above it in 30,000; the true quantile is 3.540 sd
        TailModel tail = TailModel.fit(s, 0.998, 50);
        assertThat(tail.exceedances()).isBetween(50L, 70L);
        assertThat(tail.quantile(0.9998)).isCloseTo(0.354, within(0.025));
    }

    @Test
    void levelsFollowGallerySizeAndTheFallbackCorrection() {
        assertThat(NullLevels.cohortMax(0.01, 60, 150)).isCloseTo(0.995988, within(1e-6));
        assertThat(NullLevels.cohortMax(0.01, 60, 300)).isGreaterThan(NullLevels.cohortMax(0.01, 60, 150));
        assertThat(NullLevels.requiredSamples(0.9996, 40)).isEqualTo(100_000);
        // all mated: best of N-1 impostors, read at (1-a)^((N-1)/N)
        assertThat(NullLevels.leaveTopOneOut(0.01, 150, 1)).isCloseTo(Math.pow(0.99, 149.0 / 150), within(1e-12));
        // all non-mated: second best of N: about 1 - a^2/2
        assertThat(1 - NullLevels.leaveTopOneOut(0.01, 150, 0)).isCloseTo(0.01 * 0.01 / 2, within(2e-6));
    }

    @Test
    void templateCountsMoveTheLevelHalfwayWhenGalleryAndCohortAreEnrolledDifferently() {
        // three templates per identity on both sides: the same level as counting identities
        assertThat(NullLevels.cohortMax(0.01, 60, 180, 150, 450))
                .isCloseTo(NullLevels.cohortMax(0.01, 60, 150), within(1e-12));
        // one template per cohort identity, 1.5 per gallery subject: between identity (60/150) and template (60/225)
        // counts
        double level = NullLevels.cohortMax(0.01, 60, 60, 150, 225);
        assertThat(level).isCloseTo(Math.pow(0.99, (60.0 / 150 + 60.0 / 225) / 2), within(1e-12));
        assertThat(level).isBetween(NullLevels.cohortMax(0.01, 60, 150), NullLevels.cohortMax(0.01, 60, 225));
        // counts that cannot be template counts (fewer templates than identities) fall back to identities
        assertThat(NullLevels.cohortMax(0.01, 60, 0, 150, 0))
                .isCloseTo(NullLevels.cohortMax(0.01, 60, 150), within(1e-12));
        // the policy weights identities 0.25 and templates 0.75 (issue 12): nearer the template count
        FpirPolicy p = FpirPolicy.defaults("p", 0.01);
        double weighted = p.level(150, 225, 60, 60);
        assertThat(weighted).isCloseTo(Math.pow(0.99, 0.25 * 60.0 / 150 + 0.75 * 60.0 / 225), within(1e-12));
        assertThat(weighted).isBetween(level, NullLevels.cohortMax(0.01, 60, 225));
        assertThat(p.withLevelIdentityWeight(0.5).level(150, 225, 60, 60)).isCloseTo(level, within(1e-15));
        assertThat(p.windowSamples(150, 225, 60, 60)).isGreaterThan(p.windowSamples(150, 60));
    }
}

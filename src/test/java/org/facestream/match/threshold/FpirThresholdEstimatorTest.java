package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.facestream.events.EventSerdes;
import org.facestream.events.NullScoreReport;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.junit.jupiter.api.Test;

/** The aggregator's capped read of merged tail lists, and the publication rule. */
class FpirThresholdEstimatorTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private static final FpirPolicy POLICY = FpirPolicy.defaults("p", 0.01);
    private static final List<String> NAMES =
            IntStream.range(0, 100).mapToObj(i -> "id-" + i).toList();

    /** A report of a window holding {@code histogram} and listing {@code listed} (identities index NAMES). */
    private static NullScoreReport report(NullScoreSketch histogram, List<TailEntry> listed, int usable) {
        return NullScoreReports.of(
                "m",
                "p",
                1,
                new NullScoreReports.Sizes(100, 100, 50, 50, usable, NAMES, List.of()),
                new NullScoreWindow.Contents(histogram, listed, List.of(), Map.of(), true),
                0,
                AT);
    }

    private static NullScoreSketch normal(int n, double mean, double sd, long seed) {
        Random r = new Random(seed);
        NullScoreSketch s = new NullScoreSketch();
        for (int i = 0; i < n; i++) {
            s.add(mean + sd * r.nextGaussian(), 0);
        }
        return s;
    }

    private static MergedWindow merged(NullScoreReport... reports) {
        return MergedWindow.of(List.of(reports));
    }

    @Test
    void theReadDropsAnIdentitysScoresBeyondItsShareOfTheTailAndSaysWhose() {
        // level 0.99 (K = N, C = T): ρ ≈ 0.01 of n = 1010 → m ≈ 10; cap max(3, ⌈4·10/20⌉) = 3
        List<TailEntry> listed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            listed.add(new TailEntry(0.55, 0, 0, "cam-1", 0)); // id-0: a duplicate of a frequent subject
        }
        for (int i = 1; i <= 10; i++) {
            listed.add(new TailEntry(0.30 - 0.005 * i, 0, i, "cam-" + (1 + i % 4), 0));
        }
        FpirThresholdEstimator estimator = new FpirThresholdEstimator(POLICY);
        FpirThresholdEstimator.Estimate e =
                estimator.estimate(merged(report(normal(990, 0.1, 0.03, 1), listed, 20)), 100, 100, 100, 100);
        ThresholdState.TailAudit a = e.audit();
        assertThat(a.cappedIdentities()).isEqualTo(1);
        assertThat(a.cappedScores()).isEqualTo(7);
        assertThat(a.topCapped()).containsExactly(new ThresholdState.CappedIdentity("id-0", 7));
        assertThat(a.cappedCameras()).isZero();
        assertThat(a.listExhausted()).isFalse();
        assertThat(e.samples()).isEqualTo(1003);
        // rank 0.99·1003 ≈ 993: the third of id-1..10's scores from the top of the normal mass; id-0's seven
        // dropped scores would have put it among id-0's
        assertThat(e.value()).isBetween(0.24, 0.30);
        FpirThresholdEstimator uncapped =
                new FpirThresholdEstimator(POLICY.withContamination(FpirPolicy.Contamination.none()));
        assertThat(uncapped.estimate(merged(report(normal(990, 0.1, 0.03, 1), listed, 20)), 100, 100, 100, 100)
                        .samples())
                .isEqualTo(1010);
    }

    @Test
    void oneCameraMayOwnNoMoreThanItsShareOfTheTailWhenSeveralAreListed() {
        List<TailEntry> listed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            listed.add(new TailEntry(0.5, 0, i, "flood", 0)); // thirty identities, one camera
        }
        for (int i = 0; i < 10; i++) {
            listed.add(new TailEntry(0.3, 0, 30 + i, "cam-" + (1 + i % 3), 0));
        }
        // n = 1030, m ≈ 10.3, four cameras: one may own max(10, ⌈2·m/4⌉) = 10; 20 flood scores dropped, m ≈ 10.1
        FpirThresholdEstimator.Estimate e = new FpirThresholdEstimator(POLICY)
                .estimate(merged(report(normal(990, 0.1, 0.03, 2), listed, 80)), 100, 100, 100, 100);
        assertThat(e.audit().cappedCameras()).isEqualTo(20);
        assertThat(e.audit().cappedScores()).isEqualTo(20);
        assertThat(e.audit().cappedIdentities()).isZero();
        assertThat(e.samples()).isEqualTo(1010);
    }

    @Test
    void aListShorterThanTheTailIsReadUncappedAndSaysSo() {
        List<TailEntry> listed = List.of(new TailEntry(0.4, 0, 1, "cam-1", 0), new TailEntry(0.35, 0, 2, null, 0));
        FpirThresholdEstimator.Estimate e = new FpirThresholdEstimator(POLICY)
                .estimate(merged(report(normal(990, 0.1, 0.03, 3), listed, 50)), 100, 100, 100, 100);
        assertThat(e.audit().listExhausted()).isTrue();
        assertThat(e.samples()).isEqualTo(992);
    }

    @Test
    void reportsOfEarlierVersionsMergeUncappedWithListedOnes() {
        NullScoreReport old = NullScoreReports.of("old", "p", 1, 100, 50, normal(500, 0.1, 0.03, 4), 0, AT);
        assertThat(old.tail()).isNull();
        List<TailEntry> listed = List.of(new TailEntry(0.5, 0.1, 3, "cam-1", 0));
        MergedWindow w = merged(old, report(normal(500, 0.1, 0.03, 5), listed, 50));
        assertThat(w.listed()).isTrue();
        assertThat(w.entries()).hasSize(1);
        assertThat(w.identities()).containsExactly("id-3");
        assertThat(w.histogram().count()).isEqualTo(1000);
        assertThat(w.all().count()).isEqualTo(1001);
        assertThat(MergedWindow.of(List.of(old)).listed()).isFalse();
    }

    @Test
    void theDuplicateOfAFrequentSubjectDoesNotMoveTheEstimateWhenCapped() {
        // 60 usable identities, K = 30 of N = 75: level ≈ 0.996, the window ≈ 10,000 scores, m ≈ 40
        double level = POLICY.level(75, 75, 30, 30);
        long size = POLICY.windowSamples(75, 75, 30, 30);
        Random r = new Random(9);
        double[] estimates = new double[3];
        for (int run = 0; run < 3; run++) {
            FpirPolicy policy = run == 2 ? POLICY.withContamination(FpirPolicy.Contamination.none()) : POLICY;
            NullScoreWindow window = new NullScoreWindow(policy, size);
            window.listTail(level, 60);
            for (int i = 0; i < size; i++) {
                boolean duplicate = run > 0 && i % 20 == 0; // run 0 is clean; in runs 1-2 id-99 scores every 20th
                window.offer(new TailEntry(
                        duplicate ? 0.5 + 0.05 * r.nextGaussian() : 0.1 + 0.05 * r.nextGaussian(),
                        0.2,
                        duplicate ? 99 : i % 60,
                        "cam-" + i % 4,
                        i));
            }
            NullScoreReport rep = NullScoreReports.of(
                    "m",
                    "p",
                    1,
                    new NullScoreReports.Sizes(75, 75, 30, 30, 60, NAMES, List.of()),
                    window.contents(),
                    0,
                    AT);
            // through the wire, as the aggregator reads it
            NullScoreReport read = EventSerdes.nullScores()
                    .deserialize(Topics.NULL_SCORES, EventSerdes.nullScores().serialize(Topics.NULL_SCORES, rep));
            FpirThresholdEstimator.Estimate e =
                    new FpirThresholdEstimator(policy).estimate(merged(read), 75, 75, 30, 30);
            estimates[run] = e.value();
            if (run == 1) {
                assertThat(e.audit().topCapped().get(0).identity()).isEqualTo("id-99");
                assertThat(e.audit().topCapped().get(0).scores()).isGreaterThan(400);
            }
        }
        assertThat(estimates[1]).as("capped").isCloseTo(estimates[0], within(0.01));
        assertThat(estimates[2]).as("uncapped: the duplicate owns the tail").isGreaterThan(estimates[0] + 0.2);
    }

    @Test
    void thePublishedValueIsTheHighestOfTheLastThreeRawEstimates() {
        FpirThresholdEstimator estimator = new FpirThresholdEstimator(POLICY);
        ThresholdState s = null;
        double[] raws = {0.40, 0.45, 0.38, 0.37, 0.36, Double.NaN, 0.35, 0.90};
        double[] published = {0.40, 0.45, 0.45, 0.45, 0.38, 0.38, 0.37, 0.70};
        for (int i = 0; i < raws.length; i++) {
            FpirThresholdEstimator.Estimate e = Double.isNaN(raws[i])
                    ? new FpirThresholdEstimator.Estimate(Double.NaN, 0.99, 10, 0.1, ThresholdState.INSUFFICIENT, null)
                    : new FpirThresholdEstimator.Estimate(raws[i], 0.99, 10_000, 0.1, ThresholdState.EMPIRICAL, null);
            s = estimator.next(s, e, 100, 30, AT.plusSeconds(i));
            assertThat(s.value()).as("publication %d", i).isCloseTo(published[i], within(1e-12));
            // a restarted aggregator reads its last state from the store: the run continues from it
            s = EventSerdes.thresholds()
                    .deserialize(Topics.THRESHOLDS, EventSerdes.thresholds().serialize(Topics.THRESHOLDS, s));
        }
        assertThat(s.recentRaw()).containsExactly(0.35, 0.70);
        assertThat(s.rawValue()).isEqualTo(0.90);
    }

    @Test
    void aStateOfAnEarlierVersionCountsItsValueAsOneRawEstimate() {
        ThresholdState old = new ThresholdState(
                "p", 0.42, 0.42, 5, 0.01, 0.99, 100, 30, 10_000, 0.1, 1, ThresholdState.EMPIRICAL, AT);
        FpirThresholdEstimator estimator = new FpirThresholdEstimator(POLICY);
        ThresholdState a = estimator.next(
                old,
                new FpirThresholdEstimator.Estimate(0.36, 0.99, 10_000, 0.1, ThresholdState.EMPIRICAL, null),
                100,
                30,
                AT);
        assertThat(a.value()).isEqualTo(0.42);
        ThresholdState b = estimator.next(
                a,
                new FpirThresholdEstimator.Estimate(0.35, 0.99, 10_000, 0.1, ThresholdState.EMPIRICAL, null),
                100,
                30,
                AT);
        assertThat(b.value()).isEqualTo(0.42);
        ThresholdState c = estimator.next(
                b,
                new FpirThresholdEstimator.Estimate(0.34, 0.99, 10_000, 0.1, ThresholdState.EMPIRICAL, null),
                100,
                30,
                AT);
        assertThat(c.value()).isEqualTo(0.36);
    }
}

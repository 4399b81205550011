package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

/**
 * The evaluation on synthetic 128-d embeddings (random 128-d unit vectors have impostor cosines of sd
 * ~0.09, close to ArcFace's): 100 enrolled subjects, a cohort of 60, 2,000 mated and 8,000 non-mated
 * probes, target FPIR 0.01. Gallery and cohort identities have one template each: the cohort must be
 * enrolled like the gallery. With 3 templates per gallery subject (scored by their best) and 1 per cohort
 * identity the gallery's impostor tail is heavier than the cohort's and this run measured FPIR 0.025 (2.5x).
 */
class OpenSetEvaluationTest {
    @Test
    void adaptiveThresholdMatchesTheOracleOnSyntheticEmbeddings() {
        Random r = new Random(21);
        int d = 128;
        Map<String, List<float[]>> gallery = new LinkedHashMap<>();
        Map<String, float[]> centres = new LinkedHashMap<>();
        for (int s = 0; s < 100; s++) {
            float[] c = Embeddings.unit(r, d);
            centres.put("s" + s, c);
            gallery.put("s" + s, List.of(Embeddings.atCosine(c, 0.85, r)));
        }
        float[][] cohort = new float[60][];
        for (int i = 0; i < cohort.length; i++) {
            cohort[i] = Embeddings.unit(r, d);
        }
        List<OpenSetEvaluation.Probe> probes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String s = "s" + r.nextInt(100);
            probes.add(new OpenSetEvaluation.Probe(Embeddings.atCosine(centres.get(s), 0.75, r), s, "mated-" + i));
        }
        for (int i = 0; i < 8000; i++) {
            probes.add(new OpenSetEvaluation.Probe(Embeddings.unit(r, d), null, "unknown-" + i));
        }
        FpirPolicy policy = FpirPolicy.defaults("eval", 0.01).withBounds(0.1, 0.7, 0.4);

        OpenSetEvaluation.Report report = OpenSetEvaluation.run(gallery, cohort, probes, policy, 0.25, 2000, 200, 5);

        System.out.printf(
                "evaluation: adaptive %s%n  fixed %s%n  oracle %s%n  top non-mated %s%n",
                report.adaptive(),
                report.fixed(),
                report.oracle(),
                report.topNonMated().subList(0, 3));
        assertThat(report.adaptive().mated() + report.adaptive().nonMated()).isEqualTo(8000);
        assertThat(report.oracle().fpir()).isCloseTo(0.01, within(0.002));
        assertThat(report.adaptive().fpir()).isBetween(0.005, 0.02);
        assertThat(report.adaptive().threshold()).isCloseTo(report.oracle().threshold(), within(0.04));
        assertThat(report.adaptive().dirAtRank1()).isGreaterThan(0.95);
        assertThat(report.fixed().fpir()).isGreaterThan(0.05); // 0.25 is far too low for 1:100 at this spread
        assertThat(report.topNonMated()).hasSize(20);
        assertThat(report.topNonMated().get(0).score())
                .isGreaterThanOrEqualTo(report.topNonMated().get(19).score());
    }

    /**
     * What the report says besides the rates: a cohort identity that is subject s0 under another name (flagged
     * by hygiene), a non-mated probe that is s1 under another name (a same-person hit, left out of the stranger
     * FPIR), every publication in the trajectory, and the tail's owners with the probes they came from.
     */
    @Test
    void theReportNamesHygieneFlagsSamePersonHitsTheTrajectoryAndTheTailsOwners() {
        Random r = new Random(22);
        int d = 128;
        Map<String, List<float[]>> gallery = new LinkedHashMap<>();
        Map<String, float[]> centres = new LinkedHashMap<>();
        for (int s = 0; s < 100; s++) {
            float[] c = Embeddings.unit(r, d);
            centres.put("s" + s, c);
            gallery.put("s" + s, List.of(Embeddings.atCosine(c, 0.85, r)));
        }
        Map<String, float[][]> cohort = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            cohort.put("c" + i, new float[][] {Embeddings.unit(r, d)});
        }
        cohort.put("s0-again", new float[][] {Embeddings.atCosine(centres.get("s0"), 0.85, r)});
        List<OpenSetEvaluation.Probe> probes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String s = "s" + r.nextInt(100);
            probes.add(new OpenSetEvaluation.Probe(Embeddings.atCosine(centres.get(s), 0.75, r), s, "mated-" + i));
        }
        for (int i = 0; i < 3000; i++) {
            probes.add(new OpenSetEvaluation.Probe(
                    Embeddings.unit(r, d), null, "unknown-" + i, null, null, "stranger-" + i / 2));
        }
        probes.add(new OpenSetEvaluation.Probe(
                Embeddings.atCosine(centres.get("s1"), 0.8, r), null, "s1-under-another-name", null, null, "x"));
        FpirPolicy policy = FpirPolicy.defaults("eval", 0.01).withBounds(0.1, 0.7, 0.4);

        OpenSetEvaluation.Report report = OpenSetEvaluation.runWithCohort(
                gallery, cohort, probes, policy, 0.25, OpenSetEvaluation.Stream.of(0, 50, 7), null);

        OpenSetEvaluation.Honesty h = report.honesty();
        assertThat(h.flags()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("s0-again");
            assertThat(f.subjectId()).isEqualTo("s0");
        });
        assertThat(h.samePersonCosine()).isEqualTo(0.50);
        assertThat(h.samePersonHits())
                .extracting(OpenSetEvaluation.NonMatedHit::label)
                .containsExactly("s1-under-another-name");
        assertThat(h.stranger().nonMated()).isEqualTo(report.adaptive().nonMated() - 1);
        assertThat(h.stranger().fpir())
                .isCloseTo(
                        (report.adaptive().fpir() * report.adaptive().nonMated() - 1)
                                / h.stranger().nonMated(),
                        within(1e-12)); // the hit was a false alarm, and the only one left out
        assertThat(h.trajectory()).hasSize(4001 / 50);
        assertThat(h.trajectory().get(h.trajectory().size() - 1).state().value())
                .isEqualTo(report.adaptive().threshold());
        assertThat(h.trajectory().get(0).probe()).isEqualTo(49);
        OpenSetEvaluation.TailComposition tail = h.tail();
        assertThat(tail.scores()).isGreaterThan(10);
        assertThat(tail.cohort())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getKey()).startsWith("c"));
        assertThat(tail.probes())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getKey()).matches("stranger-\\d+|s\\d+|\\(priming\\) s\\d+"));
        assertThat(h.constantAtEqualFpir().fpir())
                .isLessThanOrEqualTo(report.adaptive().fpir());
        // without the hit the oracle may only be lower: one score fewer above it
        assertThat(h.strangerOracle().threshold())
                .isLessThanOrEqualTo(report.oracle().threshold());
        assertThat(h.strangerOracle().dirAtRank1())
                .isGreaterThanOrEqualTo(report.oracle().dirAtRank1());
        assertThat(h.constantAtEqualStrangerFpir().nonMated())
                .isEqualTo(h.stranger().nonMated());
        assertThat(h.constantAtEqualStrangerFpir().fpir())
                .isLessThanOrEqualTo(h.stranger().fpir());
    }
}

package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.events.ThresholdState;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

class AdaptiveThresholdTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final FaceQuality GOOD = new FaceQuality(0.9f, 40, 140, 0, 0, 22);
    private final Random random = new Random(5);

    private FaceObservation probe(long seq, float[] embedding, FaceQuality q) {
        return new FaceObservation(
                FaceObservation.idOf("cam-1", seq, 0),
                "cam-1",
                seq,
                0,
                T0,
                T0,
                640,
                480,
                new BoundingBox(10, 10, 80, 100),
                new float[] {30, 40, 70, 40, 50, 60, 35, 80, 65, 80},
                q,
                embedding,
                "p",
                null);
    }

    private CohortScorer cohort(int people, int photosEach) {
        List<float[][]> identities = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            float[] centre = Embeddings.unit(random, Embeddings.DIMENSION);
            float[][] photos = new float[photosEach][];
            for (int j = 0; j < photosEach; j++) {
                photos[j] = Embeddings.atCosine(centre, 0.7, random);
            }
            identities.add(photos);
        }
        return CohortScorer.ofIdentities(identities, CohortScorer.DEFAULT_SCALE);
    }

    @Test
    void primesItsWindowOnceWithTheGalleryTemplatesAtTheFirstProbeThatMeetsAGallery() {
        GalleryIndex index = new GalleryIndex(Embeddings.DIMENSION);
        AdaptiveThreshold policy = AdaptiveThreshold.forGallery(FpirPolicy.defaults("p", 0.01), cohort(20, 2), index);
        policy.decide(
                probe(1, Embeddings.unit(random, Embeddings.DIMENSION), GOOD),
                index.search(Embeddings.unit(random, Embeddings.DIMENSION), 1));
        assertThat(policy.primed()).as("no gallery yet: nothing to prime with").isFalse();
        assertThat(policy.windowCount()).isEqualTo(2); // the probe's own two null scores

        for (int s = 0; s < 30; s++) {
            List<Template> templates = List.of(
                    new Template(Embeddings.unit(random, Embeddings.DIMENSION), "a.jpg", GOOD),
                    new Template(Embeddings.unit(random, Embeddings.DIMENSION), "b.jpg", GOOD));
            index.upsert(new GalleryRecord("s" + s, "s" + s, templates, "p", T0));
        }
        float[] e = Embeddings.unit(random, Embeddings.DIMENSION);
        policy.decide(probe(2, e, GOOD), index.search(e, 1));
        assertThat(policy.primed()).isTrue();
        assertThat(policy.windowCount())
                .isEqualTo(2 + 60 * 2 + 2); // 60 templates, two null scores each, then the probe
        policy.decide(probe(3, e, GOOD), index.search(e, 1));
        assertThat(policy.windowCount()).as("primed once").isEqualTo(2 + 120 + 2 + 2);

        // a low-quality face is decided but never feeds the estimator
        policy.decide(probe(4, e, new FaceQuality(0.3f, 40, 140, 0, 0, 22)), index.search(e, 1));
        assertThat(policy.windowCount()).isEqualTo(126);
        // nor does a track's later decision
        policy.redecide(probe(5, e, GOOD), index.search(e, 1));
        assertThat(policy.windowCount()).isEqualTo(126);

        var report = policy.report("matcher-a", T0);
        assertThat(report.galleryN()).isEqualTo(30);
        assertThat(report.galleryTemplates()).isEqualTo(60);
        assertThat(report.cohortK()).isEqualTo(10);
        assertThat(report.cohortTemplates()).isEqualTo(20);
    }

    @Test
    void theInitialValueDecidesWithoutAGuardUntilAnEstimateIsPublished() {
        GalleryIndex index = new GalleryIndex(Embeddings.DIMENSION);
        float[] alice = Embeddings.unit(random, Embeddings.DIMENSION);
        index.upsert(new GalleryRecord("alice", "alice", List.of(new Template(alice, "a.jpg", GOOD)), "p", T0));
        index.upsert(new GalleryRecord(
                "bob",
                "bob",
                List.of(new Template(Embeddings.unit(random, Embeddings.DIMENSION), "b.jpg", GOOD)),
                "p",
                T0));
        FpirPolicy settings = FpirPolicy.defaults("p", 0.01);
        AdaptiveThreshold policy = AdaptiveThreshold.forGallery(settings, cohort(8, 1), index);
        var estimator = new org.facestream.match.threshold.FpirThresholdEstimator(settings);
        // two gallery templates and one probe: far too few null scores for the level
        float[] probe = Embeddings.atCosine(alice, 0.45, random);
        policy.decide(probe(1, probe, GOOD), index.search(probe, 1));
        var state = estimator.next(
                null, estimator.estimate(NullScoreReports.sketch(policy.report("a", T0)), 2, 2, 4, 4), 2, 4, T0);
        assertThat(state.method()).isEqualTo("insufficient");
        assertThat(state.beta()).isZero();
        policy.apply(state);
        Decision d = policy.decide(probe(2, probe, GOOD), index.search(probe, 1));
        assertThat(d.threshold().cosine()).isEqualTo(settings.initial());
        assertThat(d.subjectId()).isEqualTo("alice");
    }

    @Test
    void aPublishedMoveOfAtLeastTheAlertStepIsALargeMoveAndAReplayIsNot() {
        FpirPolicy settings = FpirPolicy.defaults("p", 0.01);
        AdaptiveThreshold policy = new AdaptiveThreshold(settings, null, () -> 2);
        List<Long> largeMoves = new ArrayList<>();
        policy.onLargeMove(s -> largeMoves.add(s.version()));
        double step = settings.alertDelta();
        policy.apply(state(1, 0.30));
        policy.apply(state(2, 0.30 + step / 2)); // a small move
        policy.apply(state(3, 0.30 + step / 2 + 2 * step)); // a large one
        policy.apply(state(3, 0.10)); // a replayed version: not applied, so not a move
        assertThat(largeMoves).containsExactly(3L);
        assertThat(policy.current().version()).isEqualTo(3);
    }

    private static ThresholdState state(long version, double value) {
        return new ThresholdState(
                "p",
                value,
                value,
                version,
                0.01,
                0.99,
                2,
                0,
                100,
                0,
                0,
                ThresholdState.EMPIRICAL,
                T0.plusSeconds(version));
    }
}

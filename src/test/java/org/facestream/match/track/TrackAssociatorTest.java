package org.facestream.match.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.match.MatcherTopology;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

class TrackAssociatorTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private final Random random = new Random(9);
    private final float[] alice = Embeddings.unit(random, Embeddings.DIMENSION);
    private final float[] bob = Embeddings.unit(random, Embeddings.DIMENSION);
    private final TrackAssociator associator = new TrackAssociator(TrackAssociator.Config.defaults());
    /** The camera's state, threaded through the pure associator as the matcher's store does. */
    private CameraTracks state = CameraTracks.EMPTY;

    private TrackAssociator.Association associate(FaceObservation o) {
        TrackAssociator.Association a = associator.associate(state, o);
        state = a.next();
        return a;
    }

    private static FaceObservation face(long frame, int index, float x, float[] embedding, float detector, float eyes) {
        Instant at = T0.plusMillis(frame * 40);
        return new FaceObservation(
                FaceObservation.idOf("cam-1", frame, index),
                "cam-1",
                frame,
                index,
                at,
                at,
                1280,
                720,
                new BoundingBox(x, 100, 80, 100),
                new float[] {1, 1, 2, 2, 3, 3, 4, 4, 5, 5},
                new FaceQuality(detector, eyes, 100, 0, 0, 20),
                embedding,
                "pack",
                null);
    }

    @Test
    void followsTwoPeopleAcrossFramesAndDecidesWhenEvidenceDoubles() {
        var a1 = associate(face(1, 0, 100, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        var b1 = associate(face(1, 1, 600, Embeddings.atCosine(bob, 0.8, random), 0.9f, 40));
        assertThat(a1.started()).isTrue();
        assertThat(a1.decide()).isTrue();
        assertThat(b1.started()).isTrue();
        assertThat(a1.track().trackId()).isNotEqualTo(b1.track().trackId());

        var a2 = associate(face(2, 0, 108, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        var b2 = associate(face(2, 1, 606, Embeddings.atCosine(bob, 0.8, random), 0.9f, 40));
        assertThat(a2.track().trackId()).isEqualTo(a1.track().trackId());
        assertThat(b2.track().trackId()).isEqualTo(b1.track().trackId());
        assertThat(a2.decide()).isTrue(); // evidence 0.9 -> 1.8: doubled
        assertThat(a2.decision()).isEqualTo(2);
        var a3 = associate(face(3, 0, 114, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        assertThat(a3.decide()).isFalse(); // 2.7 < 2 x 1.8
        assertThat(a3.decision()).isEqualTo(2);
        assertThat(a1.track().trackId()).isEqualTo("cam-1/t1");
        assertThat(b1.track().trackId()).isEqualTo("cam-1/t2");
        assertThat(a3.track().observations()).isEqualTo(3);
        // Fusing three noisy views (each at cosine 0.8) brings the track closer to alice than any single view.
        assertThat(Embeddings.cosine(a3.track().fused(), alice)).isGreaterThan(0.85);
    }

    @Test
    void aDifferentFaceInTheSameBoxStartsANewTrack() {
        var a = associate(face(1, 0, 100, alice, 0.9f, 40));
        var b = associate(face(2, 0, 100, bob, 0.9f, 40));
        assertThat(b.started()).isTrue();
        assertThat(b.track().trackId()).isNotEqualTo(a.track().trackId());
    }

    @Test
    void fusionWeightsSharpLargeFacesOverSmallBlurredOnes() {
        float[] blurredLookAlike = Embeddings.atCosine(alice, 0.5, random);
        associate(face(1, 0, 100, alice, 0.95f, 60));
        var t = associate(face(2, 0, 104, blurredLookAlike, 0.3f, 8));
        // weights 0.95 vs 0.3 x 0.2 = 0.06: the fused embedding stays at alice
        assertThat(Embeddings.cosine(t.track().fused(), alice)).isGreaterThan(0.99);
        assertThat(t.track().evidence()).isCloseTo(0.95 + 0.06, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void tracksEndAfterTheGap() {
        var a = associate(face(1, 0, 100, alice, 0.9f, 40));
        var later = associate(face(100, 0, 100, alice, 0.9f, 40)); // 3.96 s later, gap 2 s
        assertThat(later.started()).isTrue();
        assertThat(later.track().trackId()).isNotEqualTo(a.track().trackId());
        assertThat(state.tracks()).hasSize(1);
        assertThat(state.startedTracks()).isEqualTo(2);
    }

    @Test
    void fusingFromTheStoredStateEqualsFusingInOneRun() {
        float[] v1 = Embeddings.atCosine(alice, 0.7, random);
        float[] v2 = Embeddings.atCosine(alice, 0.7, random);
        float[] v3 = Embeddings.atCosine(alice, 0.7, random);
        associate(face(1, 0, 100, v1, 0.9f, 40));
        associate(face(2, 0, 102, v2, 0.6f, 20));
        // what a restarted task reads back from the changelog: the state only, through its serde
        CameraTracks restored = MatcherTopology.cameraTracksSerde()
                .deserialize("t", MatcherTopology.cameraTracksSerde().serialize("t", state));
        var resumed = associator.associate(restored, face(3, 0, 104, v3, 0.8f, 30));
        var direct = associate(face(3, 0, 104, v3, 0.8f, 30));
        assertThat(Embeddings.cosine(resumed.track().fused(), direct.track().fused()))
                .isGreaterThan(0.999999);
        double[] expected = new double[v1.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = 0.9 * v1[i] + 0.6 * 0.5 * v2[i] + 0.8 * 0.75 * v3[i];
        }
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertThat(Embeddings.cosine(direct.track().fused(), e)).isGreaterThan(0.999999);
        assertThat(resumed.track().trackId()).isEqualTo("cam-1/t1");
    }
}

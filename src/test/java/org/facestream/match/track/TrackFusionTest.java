package org.facestream.match.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Random;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.FaceTrack;
import org.facestream.match.MatcherTopology;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

class TrackFusionTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private final Random random = new Random(9);
    private final float[] alice = Embeddings.unit(random, Embeddings.DIMENSION);
    private final float[] bob = Embeddings.unit(random, Embeddings.DIMENSION);
    private final TrackFusion fusion = new TrackFusion(TrackFusion.Config.defaults());
    /** The camera's state, threaded through the pure fusion as the matcher's store does. */
    private CameraTracks state = CameraTracks.EMPTY;

    private TrackFusion.Fusion fuse(FaceObservation o) {
        TrackFusion.Fusion a = fusion.fuse(state, o);
        state = a.next();
        return a;
    }

    /** Shot {@code shot} of worker track {@code track} (started at frame {@code start}), at frame {@code frame}. */
    private static FaceObservation shot(
            String track, long start, int shot, long frame, float[] embedding, float detector, float eyes) {
        Instant at = T0.plusMillis(frame * 200);
        return new FaceObservation(
                FaceObservation.idOf("cam-1", frame, 0),
                "cam-1",
                null,
                frame,
                0,
                at,
                at,
                1280,
                720,
                new BoundingBox(100, 100, 80, 100),
                new float[] {1, 1, 2, 2, 3, 3, 4, 4, 5, 5},
                new FaceQuality(detector, eyes, 100, 0, 0, 20),
                embedding,
                "pack",
                null,
                new FaceTrack(track, T0.plusMillis(start * 200), (int) frame, shot, FaceTrack.Reason.START, 0.5));
    }

    @Test
    void fusesEachWorkerTrackByItsIdAndDecidesWhenEvidenceDoubles() {
        var a1 = fuse(shot("cam-1/t1.0", 1, 1, 1, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        var b1 = fuse(shot("cam-1/t1.1", 1, 1, 1, Embeddings.atCosine(bob, 0.8, random), 0.9f, 40));
        assertThat(a1.started()).isTrue();
        assertThat(a1.decide()).isTrue();
        assertThat(a1.decision()).isEqualTo(1);
        assertThat(b1.started()).isTrue();

        var a2 = fuse(shot("cam-1/t1.0", 1, 2, 2, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        assertThat(a2.started()).isFalse();
        assertThat(a2.track().trackId()).isEqualTo("cam-1/t1.0");
        assertThat(a2.decide()).isTrue(); // evidence 0.9 -> 1.8: doubled
        assertThat(a2.decision()).isEqualTo(2);
        var a3 = fuse(shot("cam-1/t1.0", 1, 3, 3, Embeddings.atCosine(alice, 0.8, random), 0.9f, 40));
        assertThat(a3.decide()).isFalse(); // 2.7 < 2 x 1.8
        assertThat(a3.decision()).isEqualTo(2);
        assertThat(a3.track().observations()).isEqualTo(3);
        assertThat(a3.track().firstSeen()).isEqualTo(T0.plusMillis(200));
        // Fusing three noisy views (each at cosine 0.8) brings the track closer to alice than any single view.
        assertThat(Embeddings.cosine(a3.track().fused(), alice)).isGreaterThan(0.85);
        assertThat(state.tracks()).hasSize(2);
    }

    @Test
    void neverJoinsFacesOfDifferentWorkerTracksWhateverTheyLookLike() {
        var a = fuse(shot("cam-1/t1.0", 1, 1, 1, alice, 0.9f, 40));
        var same = fuse(shot("cam-1/t2.0", 2, 1, 2, alice, 0.9f, 40)); // the same face, another worker track
        assertThat(same.started()).isTrue();
        assertThat(same.track().trackId()).isNotEqualTo(a.track().trackId());
        assertThat(same.decision()).isEqualTo(1);
    }

    @Test
    void aReusedTrackIdWithAnotherStartIsAnotherTrack() {
        fuse(shot("cam-1/t1.0", 1, 1, 1, alice, 0.9f, 40));
        // an ingest restart numbered frames from the start again: same id, another first-seen time
        var other = fuse(shot("cam-1/t1.0", 5, 1, 5, bob, 0.9f, 40));
        assertThat(other.started()).isTrue();
        assertThat(Embeddings.cosine(other.track().fused(), bob)).isGreaterThan(0.9999);
    }

    @Test
    void fusionWeightsSharpLargeFacesOverSmallBlurredOnes() {
        float[] blurredLookAlike = Embeddings.atCosine(alice, 0.5, random);
        fuse(shot("cam-1/t1.0", 1, 1, 1, alice, 0.95f, 60));
        var t = fuse(shot("cam-1/t1.0", 1, 2, 2, blurredLookAlike, 0.3f, 8));
        // weights 0.95 vs 0.3 x 0.2 = 0.06: the fused embedding stays at alice
        assertThat(Embeddings.cosine(t.track().fused(), alice)).isGreaterThan(0.99);
        assertThat(t.track().evidence()).isCloseTo(0.95 + 0.06, within(1e-6));
    }

    @Test
    void tracksSilentForLongerThanTheRetentionAreDroppedAndALaterShotIsALaterDecision() {
        fuse(shot("cam-1/t1.0", 1, 1, 1, alice, 0.9f, 40));
        fuse(shot("cam-1/t3.0", 3, 1, 3, bob, 0.9f, 40));
        // 11.8 s after its first shot (retention 10 s) the worker embeds t1.0 again: the matcher lost its state
        var later = fuse(shot("cam-1/t1.0", 1, 2, 60, alice, 0.9f, 40));
        assertThat(later.started()).isTrue();
        assertThat(later.decide()).isTrue();
        assertThat(later.decision()).as("not the track's first decision").isEqualTo(2);
        assertThat(state.tracks()).extracting(t -> t.track().trackId()).containsExactly("cam-1/t1.0");
    }

    @Test
    void refusesAnObservationWithoutATrack() {
        FaceObservation untracked = shot("cam-1/t1.0", 1, 1, 1, alice, 0.9f, 40).withTrack(null);
        assertThatThrownBy(() -> fusion.fuse(state, untracked))
                .hasMessage("expected an observation with a track, found none on cam-1/1/0");
    }

    @Test
    void fusingFromTheStoredStateEqualsFusingInOneRun() {
        float[] v1 = Embeddings.atCosine(alice, 0.7, random);
        float[] v2 = Embeddings.atCosine(alice, 0.7, random);
        float[] v3 = Embeddings.atCosine(alice, 0.7, random);
        fuse(shot("cam-1/t1.0", 1, 1, 1, v1, 0.9f, 40));
        fuse(shot("cam-1/t1.0", 1, 2, 2, v2, 0.6f, 20));
        // what a restarted task reads back from the changelog: the state only, through its serde
        CameraTracks restored = MatcherTopology.cameraTracksSerde()
                .deserialize("t", MatcherTopology.cameraTracksSerde().serialize("t", state));
        var resumed = fusion.fuse(restored, shot("cam-1/t1.0", 1, 3, 3, v3, 0.8f, 30));
        var direct = fuse(shot("cam-1/t1.0", 1, 3, 3, v3, 0.8f, 30));
        assertThat(resumed.started()).isFalse();
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
    }
}

package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.facestream.events.BoundingBox;
import org.junit.jupiter.api.Test;

class FaceTrackerTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
    private final FaceTracker tracker = new FaceTracker(new FaceTracker.Settings(0.6, 0.2, Duration.ofMillis(1500)));
    private FaceTracker.Tracks state = FaceTracker.Tracks.NONE;

    /** A face box of 60x72 at {@code x}, {@code y} with detector score {@code score}. */
    private static FaceTracker.Detection face(float x, float y, float score) {
        return new FaceTracker.Detection(new BoundingBox(x, y, 60, 72), score);
    }

    /** Frame {@code seq} at 5 fps. */
    private FaceTracker.Update frame(long seq, FaceTracker.Detection... faces) {
        FaceTracker.Update u = tracker.update(state, "cam-1", null, seq, T0.plusMillis(seq * 200), List.of(faces));
        state = u.next();
        return u;
    }

    private String idOf(FaceTracker.Update u, int detection) {
        return u.next().live().get(u.trackOf(detection)).id();
    }

    @Test
    void aFrameOfAnIngestRunStartsTracksNamedByTheRun() {
        // a camera's frame sequence restarts with every ingest run: the run keeps the runs' track ids apart
        FaceTracker.Update u = tracker.update(
                state, "cam-1", "00000000000000aa", 0, T0, List.of(face(100, 100, 0.9f), face(400, 100, 0.8f)));
        assertThat(idOf(u, 0)).isEqualTo("cam-1/00000000000000aa/t0.0");
        assertThat(idOf(u, 1)).isEqualTo("cam-1/00000000000000aa/t0.1");
    }

    @Test
    void twoPeopleKeepTheirTrackIdsWhileTheyMove() {
        var f0 = frame(0, face(100, 100, 0.9f), face(400, 100, 0.8f));
        assertThat(idOf(f0, 0)).isEqualTo("cam-1/t0.0");
        assertThat(idOf(f0, 1)).isEqualTo("cam-1/t0.1");
        assertThat(f0.started()).isEqualTo(2);
        for (int i = 1; i <= 10; i++) {
            // detector order changes with the scores: association does not depend on it
            var f = frame(i, face(400 - 8 * i, 100, 0.95f), face(100 + 10 * i, 100 + 2 * i, 0.7f));
            assertThat(idOf(f, 0)).isEqualTo("cam-1/t0.1");
            assertThat(idOf(f, 1)).isEqualTo("cam-1/t0.0");
            assertThat(f.started()).isZero();
        }
        assertThat(state.live()).extracting(FaceTracker.Track::faces).containsExactly(11, 11);
    }

    @Test
    void theVelocityCarriesAFastFaceAcrossFramesItNoLongerOverlaps() {
        // 45 px a frame on a 60 px box: consecutive boxes overlap by IoU 0.14, under the 0.2 needed
        frame(0, face(100, 100, 0.9f));
        frame(1, face(130, 100, 0.9f)); // IoU 0.33: associated, velocity 150 px/s
        var f2 = frame(2, face(175, 100, 0.9f));
        var f3 = frame(3, face(220, 100, 0.9f));
        assertThat(idOf(f2, 0)).isEqualTo("cam-1/t0.0");
        assertThat(idOf(f3, 0)).isEqualTo("cam-1/t0.0");
        assertThat(state.live()).hasSize(1);
    }

    @Test
    void aWeakDetectionContinuesATrackButNeverStartsOne() {
        frame(0, face(100, 100, 0.9f));
        var weakOnTrack = frame(1, face(104, 100, 0.45f), face(500, 300, 0.45f));
        assertThat(idOf(weakOnTrack, 0)).isEqualTo("cam-1/t0.0");
        assertThat(weakOnTrack.trackOf(1))
                .as("a weak face alone starts nothing")
                .isEqualTo(-1);
        assertThat(state.live()).hasSize(1);
        assertThat(state.live().get(0).faces())
                .as("weak detections are not faces")
                .isEqualTo(1);
        assertThat(state.live().get(0).lastSeen()).isEqualTo(T0.plusMillis(200));
    }

    @Test
    void aConfidentFaceWinsATrackOverAWeakOneAtTheSamePlace() {
        frame(0, face(100, 100, 0.9f));
        var f = frame(1, face(100, 100, 0.9f), face(102, 101, 0.45f));
        assertThat(idOf(f, 0)).isEqualTo("cam-1/t0.0");
        assertThat(f.trackOf(1)).isEqualTo(-1);
    }

    @Test
    void aTrackWithoutADetectionForLongerThanTheGapEnds() {
        frame(0, face(100, 100, 0.9f));
        var stillThere = frame(7, face(100, 100, 0.9f)); // 1.4 s later: within the gap
        assertThat(idOf(stillThere, 0)).isEqualTo("cam-1/t0.0");
        var later = frame(15, face(100, 100, 0.9f)); // 1.6 s after frame 7
        assertThat(later.ended()).isEqualTo(1);
        assertThat(idOf(later, 0)).isEqualTo("cam-1/t15.0");
        assertThat(state.live()).hasSize(1);
    }

    @Test
    void aFrameAnalysedAgainFromTheSameStateGivesTheSameTracks() {
        frame(0, face(100, 100, 0.9f));
        FaceTracker.Tracks before = state;
        var once = tracker.update(before, "cam-1", null, 1, T0.plusMillis(200), List.of(face(300, 100, 0.9f)));
        var again = tracker.update(before, "cam-1", null, 1, T0.plusMillis(200), List.of(face(300, 100, 0.9f)));
        assertThat(again.next()).isEqualTo(once.next());
        assertThat(idOf(again, 0)).isEqualTo("cam-1/t1.0");
    }
}

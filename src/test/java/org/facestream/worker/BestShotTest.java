package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceTrack;
import org.junit.jupiter.api.Test;

class BestShotTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
    private final BestShot policy = new BestShot(1.25, Duration.ofSeconds(5));

    private static FaceTracker.Track track(int shots, double best, Instant lastShot) {
        return new FaceTracker.Track(
                "cam-1/t0.0", T0, T0, new BoundingBox(0, 0, 10, 10), 0, 0, 3, shots, best, lastShot);
    }

    @Test
    void theScoreMultipliesDetectorScoreSizeSharpnessAndPose() {
        assertThat(BestShot.quality(1, 40, 1e9, 0)).isCloseTo(1, within(1e-6));
        assertThat(BestShot.quality(0.9, 20, 100, 0)).isCloseTo(0.9 * 0.5 * 0.5, within(1e-9));
        assertThat(BestShot.quality(0.9, 80, 300, 60)).isCloseTo(0.9 * 1 * 0.75 * 0.25, within(1e-9));
        assertThat(BestShot.quality(0.9, 40, 300, 90)).isCloseTo(0, within(1e-9));
        assertThat(BestShot.quality(0.9, 40, Double.NaN, 0)).isZero();
    }

    @Test
    void aTrackIsEmbeddedWhenItStartsThenOnlyForAClearlyBetterShotOrAfterTheInterval() {
        assertThat(policy.decide(track(0, 0, null), 0.1, T0)).isEqualTo(FaceTrack.Reason.START);
        FaceTracker.Track t = track(1, 0.4, T0);
        assertThat(policy.decide(t, 0.49, T0.plusSeconds(1)))
                .as("better, not clearly")
                .isNull();
        assertThat(policy.decide(t, 0.5, T0.plusSeconds(1))).isEqualTo(FaceTrack.Reason.BETTER);
        assertThat(policy.decide(t, 0.1, T0.plusMillis(4999))).isNull();
        assertThat(policy.decide(t, 0.1, T0.plusSeconds(5))).isEqualTo(FaceTrack.Reason.INTERVAL);
        assertThat(new BestShot(1.25, Duration.ZERO).decide(t, 0.1, T0.plusSeconds(600)))
                .as("no interval")
                .isNull();
    }

    @Test
    void amongFacesTooPoorToIdentifyADoublingIsNoBetterShot() {
        FaceTracker.Track t = track(1, 0.01, T0);
        assertThat(policy.decide(t, 0.02, T0.plusSeconds(1)))
                .as("twice 0.01: still a poor face")
                .isNull();
        assertThat(policy.decide(t, 0.07, T0.plusSeconds(1))).isEqualTo(FaceTrack.Reason.BETTER);
        assertThat(policy.decide(track(1, 0, T0), 0, T0.plusSeconds(1))).isNull();
    }
}

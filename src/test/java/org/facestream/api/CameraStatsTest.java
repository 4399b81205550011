package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.ThresholdRef;
import org.facestream.events.WireFixtures;
import org.junit.jupiter.api.Test;

/** A camera whose ingest restarts: sequences start again at 0 under a new ingest run. */
class CameraStatsTest {
    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final String RUN_A = "00000000000000aa";
    private static final String RUN_B = "00000000000000bb";

    @Test
    void newestFrameIsTheLastCapturedOneAndTheFrameRateCountsOnlyItsRun() {
        CameraStats stats = new CameraStats(Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC));
        for (int seq = 0; seq < 20; seq++) {
            stats.observation("cam-1", RUN_A, seq, T0.plusMillis(200L * seq));
        }
        // the ingest restarts: run B's sequences 0..2, captured after everything of run A, 200 ms apart
        for (int seq = 0; seq < 3; seq++) {
            stats.observation("cam-1", RUN_B, seq, T0.plusSeconds(5).plusMillis(200L * seq));
        }
        CameraStats.Snapshot cam = stats.snapshot().getFirst();
        assertThat(cam.lastIngestRun()).isEqualTo(RUN_B);
        assertThat(cam.lastFrameSequence()).isEqualTo(2);
        assertThat(cam.lastFrameAt()).isEqualTo(T0.plusSeconds(5).plusMillis(400));
        assertThat(cam.framesPerSecond()).isEqualTo(5.0);
        assertThat(cam.facesTotal()).isEqualTo(23);
        // a late observation of run A (a slow worker) does not make run A the newest again
        stats.observation("cam-1", RUN_A, 20, T0.plusSeconds(4));
        assertThat(stats.snapshot().getFirst().lastIngestRun()).isEqualTo(RUN_B);
    }

    @Test
    void eventsOfTwoRunsWithTheSameSequenceAreBothKeptAndCopiesOnlyOnce() {
        LiveFeed live = LiveFeed.defaults();
        IdentityEvent first = event(RUN_A, T0);
        IdentityEvent restarted = event(RUN_B, T0.plusSeconds(30));
        live.accept(first);
        live.accept(restarted);
        live.accept(event(RUN_A, T0)); // a re-delivered copy of the first observation's event
        assertThat(live.events().newest(10, e -> true))
                .extracting(IdentityEvent::id)
                .containsExactly("cam-1/" + RUN_B + "/0/0", "cam-1/" + RUN_A + "/0/0");
        assertThat(live.cameras().snapshot().getFirst().lastIngestRun()).isEqualTo(RUN_B);
        live.close();
    }

    private static IdentityEvent event(String run, Instant capturedAt) {
        return new IdentityEvent(
                FaceObservation.idOf("cam-1", run, 0, 0),
                null,
                0.1,
                "obama",
                new ThresholdRef(0.35, 0, "fixed"),
                "cam-1",
                run,
                0,
                0,
                capturedAt,
                capturedAt,
                new BoundingBox(1, 2, 3, 4),
                WireFixtures.quality(),
                "pack",
                1,
                List.of(),
                null);
    }
}

package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.facestream.testing.Await;
import org.facestream.testing.LogCapture;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No camera here: the live source is exercised on a local file URL, whose end looks to it exactly like
 * a dropped stream and whose absence like a camera that is down, so the reconnect path runs for real.
 */
class RtspSourceTest {
    private static final RtspSource.Settings FAST =
            new RtspSource.Settings(Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(80));

    @Test
    void reconnectsWhenTheStreamEndsAndNeverEnds() throws Exception {
        String url = "file:" + SharedData.video("WDA_KatieHill_000.mp4"); // 200 frames
        try (var source = RtspSource.open(url, FAST)) {
            assertThat(source.timeline()).isEqualTo(FrameSource.Timeline.LIVE);
            int n = 0;
            while (n < 450) {
                try (GrabbedFrame f = source.next()) {
                    assertThat(f).isNotNull();
                    assertThat(f.mediaTimeMillis()).isEqualTo(-1);
                    assertThat(f.width()).isEqualTo(512);
                }
                n++;
            }
            assertThat(source.reconnects()).isEqualTo(2);
        }
    }

    @Test
    void aCameraDownAtStartIsWaitedForWithBackoffSaidOnceAndCounted(@TempDir Path dir) throws Exception {
        Path camera = dir.resolve("camera.mp4"); // not there yet: the camera is down
        try (LogCapture log = LogCapture.of(RtspSource.class);
                var source = RtspSource.open("file:" + camera, FAST)) {
            CompletableFuture<Integer> firstFrame = CompletableFuture.supplyAsync(() -> {
                try (GrabbedFrame f = source.next()) {
                    return f.width();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("four failed attempts", Duration.ofSeconds(30), () -> source.connectFailures() >= 4);
            assertThat(firstFrame).isNotDone();
            Files.createSymbolicLink(camera, SharedData.video("WDA_KatieHill_000.mp4")); // the camera comes up
            assertThat(firstFrame.get(30, TimeUnit.SECONDS)).isEqualTo(512);
            List<String> warnings =
                    log.lines().stream().filter(l -> l.startsWith("WARN")).toList();
            assertThat(warnings)
                    .as("one warning for the whole series of failed attempts")
                    .singleElement()
                    .asString()
                    .contains("does not answer")
                    .contains("retrying with backoff")
                    .contains("facestream_ingest_connect_failures_total");
            assertThat(log.lines())
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("INFO")
                            .contains("connected after " + source.connectFailures() + " failed attempt(s)"));
        }
    }

    @Test
    void aRefusedConnectionIsSaidInFfmpegsWordsWithThePasswordHidden() throws Exception {
        try (LogCapture log = LogCapture.of(RtspSource.class);
                var source = RtspSource.open("rtsp://admin:hunter2@127.0.0.1:9/stream", FAST)) {
            Thread grab = Thread.ofPlatform().start(() -> {
                try {
                    source.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Await.until("two failed attempts", Duration.ofSeconds(30), () -> source.connectFailures() >= 2);
            grab.interrupt(); // ends the backoff wait, as ingest's close does
            grab.join(30_000);
            assertThat(log.lines())
                    .filteredOn(l -> l.startsWith("WARN"))
                    .singleElement()
                    .asString()
                    .startsWith("WARN camera rtsp://admin:***@127.0.0.1:9/stream does not answer (cannot open video")
                    .contains("(Connection refused)")
                    .doesNotContain("hunter2")
                    .doesNotContain("setFormat")
                    .doesNotContain("FFmpegLogCallback");
        }
    }

    @Test
    void usesTcpAndIoTimeoutsForRtsp() {
        Map<String, String> options = RtspSource.options("rtsp://cam/1", RtspSource.Settings.DEFAULT);
        assertThat(options)
                .containsEntry("rtsp_transport", "tcp")
                .containsEntry("timeout", "10000000")
                .containsEntry("rw_timeout", "10000000");
        assertThat(RtspSource.redact("rtsps://u:p@h:322/x")).isEqualTo("rtsps://u:***@h:322/x");
        assertThat(RtspSource.redact("rtsp://h/x")).isEqualTo("rtsp://h/x");
    }
}

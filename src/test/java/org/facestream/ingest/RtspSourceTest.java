package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * No camera here: the live source is exercised on a local file URL, whose end looks to it exactly like
 * a dropped stream, so the reconnect path runs for real.
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
    void aWrongUrlFailsAtStartWithThePasswordHidden() {
        assertThatThrownBy(() -> RtspSource.open("rtsp://admin:hunter2@127.0.0.1:9/stream", FAST))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("cannot connect to camera rtsp://admin:***@127.0.0.1:9/stream")
                .hasMessageNotContaining("hunter2");
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

package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.facestream.events.Frame;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

class JpegFrameEncoderTest {
    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void encodesAHamiltonFrameAndDecodesBackClose() throws Exception {
        try (var source = VideoFileSource.open(SharedData.video("hamilton-clip-640x360.mp4"), false);
                GrabbedFrame g = source.next()) {
            Frame frame = new JpegFrameEncoder(85, 0).encode("cam-1", "r1", 7, AT, g.mediaTimeMillis(), g.image());
            assertThat(frame.cameraId()).isEqualTo("cam-1");
            assertThat(frame.sequence()).isEqualTo(7);
            assertThat(frame.width()).isEqualTo(640);
            assertThat(frame.height()).isEqualTo(360);
            assertThat(frame.jpegLength()).isBetween(5_000, 120_000);
            Mat back = Imgcodecs.imdecode(new MatOfByte(frame.jpeg()), Imgcodecs.IMREAD_COLOR);
            Mat diff = new Mat();
            try {
                assertThat(back.size()).isEqualTo(g.image().size());
                Core.absdiff(back, g.image(), diff);
                double meanError = Core.mean(diff).val[0];
                assertThat(meanError).as("mean absolute error of JPEG q85").isLessThan(4.0);
            } finally {
                back.release();
                diff.release();
            }
        }
    }

    @Test
    void downscalesSoTheLongerSideFits() throws Exception {
        try (var source = VideoFileSource.open(SharedData.video("hamilton-clip-640x360.mp4"), false);
                GrabbedFrame g = source.next()) {
            Frame small = new JpegFrameEncoder(85, 320).encode("cam-1", "r1", 0, AT, 0, g.image());
            assertThat(small.width()).isEqualTo(320);
            assertThat(small.height()).isEqualTo(180);
            assertThat(g.image().cols()).as("the source Mat is left alone").isEqualTo(640);
            Frame same = new JpegFrameEncoder(85, 1280).encode("cam-1", "r1", 0, AT, 0, g.image());
            assertThat(same.width()).isEqualTo(640);
            Frame lowQuality = new JpegFrameEncoder(30, 0).encode("cam-1", "r1", 0, AT, 0, g.image());
            assertThat(lowQuality.jpegLength()).isLessThan(same.jpegLength());
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new JpegFrameEncoder(0, 0)).hasMessage("expected JPEG quality 1..100, found 0");
        assertThatThrownBy(() -> new JpegFrameEncoder(85, 8))
                .hasMessage("expected maxSide 0 (keep size) or >= 16 pixels, found 8");
    }
}

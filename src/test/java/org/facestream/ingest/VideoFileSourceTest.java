package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFileSourceTest {
    private static final Path HAMILTON = SharedData.video("hamilton-clip-640x360.mp4");

    /** Media times of every picture of a source, closing each frame. */
    private static List<Long> drain(FrameSource source, int max, List<int[]> sizes) throws InterruptedException {
        List<Long> times = new ArrayList<>();
        for (GrabbedFrame g = source.next(); g != null && times.size() < max; g = source.next()) {
            try (GrabbedFrame f = g) {
                times.add(f.mediaTimeMillis());
                if (sizes != null) {
                    sizes.add(new int[] {f.width(), f.height()});
                }
            }
        }
        return times;
    }

    @Test
    void decodesTheHamiltonH264ClipFrameByFrame() throws Exception {
        List<int[]> sizes = new ArrayList<>();
        try (var source = VideoFileSource.open(HAMILTON, false)) {
            assertThat(source.frameRate()).isBetween(29.9, 30.0);
            assertThat(source.description()).contains("640x360", "h264");
            List<Long> times = drain(source, Integer.MAX_VALUE, sizes);
            // 9.2 s of 29.97 fps H.264
            assertThat(times).hasSize(275);
            assertThat(times.getFirst()).isZero(); // counted from the first picture, not the 852 ms container start
            assertThat(times.getLast()).isBetween(9_100L, 9_200L);
            assertThat(times).isSorted();
            assertThat(sizes).allSatisfy(s -> assertThat(s).containsExactly(640, 360));
            assertThat(source.decodeErrors()).isZero();
            assertThat(source.next()).isNull(); // stays ended
        }
    }

    @Test
    void samplingTheClipAtFiveFpsKeepsOneFrameInSix() throws Exception {
        var sampler = new FrameSampler(5);
        int kept = 0;
        int total = 0;
        try (var source = VideoFileSource.open(HAMILTON, false)) {
            for (long t : drain(source, Integer.MAX_VALUE, null)) {
                total++;
                if (sampler.keep(t)) {
                    kept++;
                }
            }
        }
        // 0, 200, ..., 9000 ms of media time
        assertThat(total).isEqualTo(275);
        assertThat(kept).isEqualTo(46);
    }

    @Test
    void picturesTheSamplerRefusesAreNeverConvertedAndTheSameFramesAreKept() throws Exception {
        List<Long> everyPicture = new ArrayList<>();
        var all = new FrameSampler(5);
        try (var source = VideoFileSource.open(HAMILTON, false)) {
            for (long t : drain(source, Integer.MAX_VALUE, null)) {
                if (all.keep(t)) {
                    everyPicture.add(t);
                }
            }
        }
        List<Long> sampled = new ArrayList<>();
        var sampler = new FrameSampler(5);
        try (var source = VideoFileSource.open(HAMILTON, false)) {
            source.sampleBy(sampler::wouldKeep);
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    if (sampler.keep(f.mediaTimeMillis())) {
                        sampled.add(f.mediaTimeMillis());
                    }
                }
            }
            assertThat(source.passedOver())
                    .as("at most one picture converted in vain per sample")
                    .isBetween(275L - 2 * 46, 275L - 46);
        }
        assertThat(sampled).isEqualTo(everyPicture);
    }

    @Test
    void aFileLargerThanTheFramesIngestSendsIsConvertedStraightToTheirSize() throws Exception {
        List<int[]> sizes = new ArrayList<>();
        try (var source = VideoFileSource.open(SharedData.video("pedestrians-1080p.mp4"), false)) {
            source.scaleTo(640);
            assertThat(source.description()).contains("1920x1080");
            drain(source, 5, sizes);
        }
        assertThat(sizes).allSatisfy(s -> assertThat(s).containsExactly(640, 360));
    }

    @Test
    void samplingAtMostHalfTheFrameRateDecodesOnlyReferencePicturesWithTheSamePixels() throws Exception {
        Path pedestrians = SharedData.video("pedestrians-1080p.mp4");
        java.util.Map<Long, Long> every = new java.util.HashMap<>();
        try (var source = VideoFileSource.open(pedestrians, false)) {
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    every.put(f.mediaTimeMillis(), checksum(f));
                }
            }
        }
        java.util.Map<Long, Long> references = new java.util.HashMap<>();
        try (var source = VideoFileSource.open(pedestrians, false, 5)) {
            assertThat(source.description()).contains("reference pictures only");
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    references.put(f.mediaTimeMillis(), checksum(f));
                }
            }
        }
        // this encoding refers to every other picture only: half the pictures need no decoding
        assertThat(every).hasSize(105);
        assertThat(references).hasSize(53);
        references.forEach((t, sum) -> assertThat(every).containsEntry(t, sum));
        try (var source = VideoFileSource.open(pedestrians, false, 15)) {
            assertThat(source.description()).as("15 of 25 fps: every picture").doesNotContain("reference");
        }
    }

    private static long checksum(GrabbedFrame g) {
        byte[] px = new byte[(int) (g.image().total() * g.image().channels())];
        g.image().get(0, 0, px);
        return java.util.Arrays.hashCode(px);
    }

    @Test
    void decodesTheMpeg4Clips() throws Exception {
        for (String name : List.of("WDA_KatieHill_000.mp4", "WDA_AlexandriaOcasioCortez_000.mp4")) {
            List<int[]> sizes = new ArrayList<>();
            try (var source = VideoFileSource.open(SharedData.video(name), false)) {
                assertThat(source.description()).contains("mpeg4", "512x512");
                List<Long> times = drain(source, Integer.MAX_VALUE, sizes);
                assertThat(times).hasSize(200);
                assertThat(times.get(1) - times.get(0)).isEqualTo(40); // 25 fps
                assertThat(sizes).allSatisfy(s -> assertThat(s).containsExactly(512, 512));
            }
        }
    }

    @Test
    void loopingKeepsMediaTimeIncreasingAcrossRestarts() throws Exception {
        try (var source = VideoFileSource.open(SharedData.video("WDA_KatieHill_000.mp4"), true)) {
            List<Long> times = drain(source, 450, null);
            assertThat(times).hasSize(450);
            assertThat(source.loops()).isEqualTo(2);
            assertThat(times).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
            assertThat(times.get(200)).isEqualTo(8_000L); // 7960 + one 40 ms frame
        }
    }

    /**
     * A 322-pixel-wide frame has 966 bytes of BGR per row, which FFmpeg pads to an aligned stride: the
     * copy must honour it or every row shears. An uncompressed file makes the pixels exactly checkable.
     */
    @Test
    void copiesPaddedRowsExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stripes.avi");
        int w = 322;
        int h = 240;
        try (var recorder = new FFmpegFrameRecorder(file.toString(), w, h)) {
            recorder.setFormat("avi");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_RAWVIDEO);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            recorder.setFrameRate(10);
            recorder.start();
            for (int i = 0; i < 3; i++) {
                var frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int at = y * frame.imageStride + x * 3;
                        buf.put(at, (byte) (x % 251)); // B: column
                        buf.put(at + 1, (byte) (y % 251)); // G: row
                        buf.put(at + 2, (byte) (i * 80)); // R: frame index
                    }
                }
                recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
            }
        }
        try (var source = VideoFileSource.open(file, false)) {
            int n = 0;
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    assertThat(f.width()).isEqualTo(w);
                    assertThat(f.height()).isEqualTo(h);
                    byte[] px = new byte[3];
                    for (int[] p : new int[][] {{0, 0}, {321, 0}, {0, 239}, {321, 239}, {160, 120}, {250, 200}}) {
                        f.image().get(p[1], p[0], px);
                        assertThat(new int[] {px[0] & 0xff, px[1] & 0xff, px[2] & 0xff})
                                .as("pixel x=%d y=%d of frame %d", p[0], p[1], n)
                                .containsExactly(p[0] % 251, p[1] % 251, n * 80);
                    }
                    n++;
                }
            }
            assertThat(n).isEqualTo(3);
        }
    }

    @Test
    void missingOrUndecodableFilesFailWithAClearMessage(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> VideoFileSource.open(dir.resolve("nope.mp4"), false))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("expected a readable video file, found nothing at ");
        Path junk = java.nio.file.Files.write(dir.resolve("junk.mp4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> VideoFileSource.open(junk, false))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("cannot open video " + junk);
    }
}

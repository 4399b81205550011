package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

class ImageFolderSourceTest {
    @Test
    void yieldsReadableImagesInNameOrderAndCountsTheCorruptOne(@TempDir Path dir) throws Exception {
        OpenCvLibrary.load();
        // Three solid colours (B, G, R), written out of name order, a corrupt JPEG between them, and a non-image.
        write(dir.resolve("c-red.jpg"), new Scalar(0, 0, 255), 48, 32);
        write(dir.resolve("a-blue.jpg"), new Scalar(255, 0, 0), 64, 48);
        write(dir.resolve("d-green.png"), new Scalar(0, 255, 0), 40, 30);
        Files.write(dir.resolve("b-corrupt.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0x00, 0x11, 0x22});
        Files.writeString(dir.resolve("notes.txt"), "not an image");

        List<double[]> colours = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        try (var source = ImageFolderSource.open(dir)) {
            assertThat(source.fileCount()).isEqualTo(4); // notes.txt is not considered
            assertThat(source.timeline()).isEqualTo(FrameSource.Timeline.STILLS);
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    assertThat(f.mediaTimeMillis()).isEqualTo(-1);
                    colours.add(org.opencv.core.Core.mean(f.image()).val);
                    sizes.add(f.width() + "x" + f.height());
                }
            }
            assertThat(source.decodeErrors()).isEqualTo(1);
        }
        assertThat(sizes).containsExactly("64x48", "48x32", "40x30");
        assertDominant(colours.get(0), 0); // a-blue
        assertDominant(colours.get(1), 2); // c-red
        assertDominant(colours.get(2), 1); // d-green
    }

    @Test
    void emptyOrMissingFoldersFailWithAClearMessage(@TempDir Path dir) {
        assertThatThrownBy(() -> ImageFolderSource.open(dir))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("expected image files (")
                .hasMessageEndingWith(", found none");
        assertThatThrownBy(() -> ImageFolderSource.open(dir.resolve("missing")))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("expected a folder of images, found nothing at ");
    }

    @Test
    void factoryPicksTheSourceByWhatTheUriNames(@TempDir Path dir) throws Exception {
        OpenCvLibrary.load();
        write(dir.resolve("one.jpg"), new Scalar(10, 20, 30), 16, 16);
        try (var folder = FrameSources.open(dir.toString(), false)) {
            assertThat(folder).isInstanceOf(ImageFolderSource.class);
        }
        try (var video = FrameSources.open(
                org.facestream.testing.SharedData.video("WDA_KatieHill_000.mp4")
                        .toUri()
                        .toString(),
                false)) {
            assertThat(video).isInstanceOf(VideoFileSource.class);
        }
        assertThatThrownBy(() -> FrameSources.open(dir.resolve("absent.mp4").toString(), false))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("expected rtsp://..., a folder or a video file, found nothing at ");
    }

    private static void assertDominant(double[] bgr, int channel) {
        for (int c = 0; c < 3; c++) {
            if (c == channel) {
                assertThat(bgr[c]).as("channel %d", c).isGreaterThan(240);
            } else {
                assertThat(bgr[c]).as("channel %d", c).isLessThan(15);
            }
        }
    }

    private static void write(Path file, Scalar bgr, int w, int h) {
        Mat m = new Mat(h, w, CvType.CV_8UC3, bgr);
        try {
            assertThat(Imgcodecs.imwrite(file.toString(), m)).isTrue();
        } finally {
            m.release();
        }
    }
}

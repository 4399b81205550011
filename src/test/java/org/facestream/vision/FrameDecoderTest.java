package org.facestream.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.facestream.model.OpenCvNatives;
import org.facestream.testing.BadBytes;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

class FrameDecoderTest {
    static {
        OpenCvNatives.load();
    }

    @Test
    void decodesARealJpegToBgrOfItsDeclaredSize() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.face("groups/two_people.jpg"));
        assertThat(FrameDecoder.declaredSize(bytes)).isEqualTo(new FrameDecoder.ImageSize(1126, 661));
        Mat image = FrameDecoder.decodeJpeg(bytes);
        try {
            assertThat(image.cols()).isEqualTo(1126);
            assertThat(image.rows()).isEqualTo(661);
            assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        } finally {
            image.release();
        }
    }

    @Test
    void readsTheMainImageSizeNotTheExifThumbnails() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
        FrameDecoder.ImageSize size = FrameDecoder.declaredSize(bytes);
        Mat image = FrameDecoder.decodeJpeg(bytes);
        try {
            assertThat(size.pixels()).isEqualTo((long) image.cols() * image.rows());
            assertThat(size.width()).isGreaterThan(500); // EXIF thumbnails are 160 px or so
        } finally {
            image.release();
        }
    }

    @Test
    void refusesADeclared60000SquareJpegBeforeDecodingIt() {
        byte[] bomb = {
            (byte) 0xFF,
            (byte) 0xD8, // SOI
            (byte) 0xFF,
            (byte) 0xE0,
            0,
            4,
            0,
            0, // a 2-byte APP0 payload to skip
            (byte) 0xFF,
            (byte) 0xC0,
            0,
            11,
            8,
            (byte) 0xEA,
            0x60,
            (byte) 0xEA,
            0x60,
            1,
            1,
            0x11,
            0 // SOF0 60000x60000
        };
        assertThatThrownBy(() -> FrameDecoder.decodeJpeg(bomb))
                .isInstanceOf(UndecodableFrameException.class)
                .hasMessage(
                        "expected an image of at most 40000000 pixels, found 60000x60000 = 3600000000 declared in its header");
    }

    @Test
    void thePixelLimitIsConfigurable() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.face("groups/two_people.jpg"));
        assertThatThrownBy(() -> new FrameDecoder(640 * 480).decode(bytes))
                .hasMessageStartingWith("expected an image of at most 307200 pixels, found 1126x661");
    }

    @Test
    void corruptJpegBytesGiveAClearException() throws Exception {
        byte[] real = Files.readAllBytes(SharedData.face("groups/two_people.jpg"));
        int sos = 2;
        while (!((real[sos] & 0xFF) == 0xFF && (real[sos + 1] & 0xFF) == 0xDA)) {
            sos++;
        }
        byte[] corrupt = Arrays.copyOf(real, sos + 64);
        Arrays.fill(corrupt, sos, corrupt.length, (byte) 0x5A); // the scan header itself is garbage
        assertThatThrownBy(() -> FrameDecoder.decodeJpeg(corrupt))
                .isInstanceOf(UndecodableFrameException.class)
                .hasMessage("expected a decodable 1126x661 image, found corrupt data (" + corrupt.length + " bytes)");
    }

    @Test
    void nonImageBytesSayWhatTheyStartWith() {
        byte[] html = "<html>not found</html>".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> FrameDecoder.decodeJpeg(html))
                .isInstanceOf(UndecodableFrameException.class)
                .hasMessage("expected a JPEG (FF D8) or PNG image, found bytes 3C 68 74 6D");
        assertThatThrownBy(
                        () -> FrameDecoder.decodeJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}))
                .hasMessage("expected a JPEG start-of-frame header with the image size, found none in 4 bytes");
    }

    @Test
    void pngFramesAreAcceptedToo() {
        Mat image = new Mat(48, 64, CvType.CV_8UC3, new Scalar(10, 20, 30));
        MatOfByte png = new MatOfByte();
        try {
            Imgcodecs.imencode(".png", image, png);
            assertThat(FrameDecoder.declaredSize(png.toArray())).isEqualTo(new FrameDecoder.ImageSize(64, 48));
            Mat decoded = FrameDecoder.decodeJpeg(png.toArray());
            assertThat(decoded.get(5, 5)).containsExactly(10, 20, 30);
            decoded.release();
        } finally {
            image.release();
            png.release();
        }
    }

    @Test
    void countsTheScansOfBaselineAndProgressiveJpegsExactly() throws Exception {
        assertThat(FrameDecoder.jpegScans(Files.readAllBytes(SharedData.face("people/obama/obama.jpg"))))
                .isEqualTo(1);
        byte[] progressive = BadBytes.progressiveJpeg(320, 240, 1);
        assertThat(FrameDecoder.jpegScans(progressive))
                .as("libjpeg's simple progression")
                .isEqualTo(10);
        assertThat(FrameDecoder.jpegScans(BadBytes.repeatingLastScan(progressive, 57)))
                .isEqualTo(67);
    }

    @Test
    void refusesAJpegWithItsLastScanRepeatedBeforeDecodingIt() {
        byte[] bomb = BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(640, 480, 2), 100);
        assertThatThrownBy(() -> FrameDecoder.decodeJpeg(bomb))
                .isInstanceOf(DecodeBudgetException.class)
                .hasMessage("expected a JPEG of at most 32 scans (decoding cost grows with pixels times scans), found"
                        + " 110 scans of 640x480 pixels in " + bomb.length + " bytes");
    }

    @Test
    void decodesAProgressiveJpegAtTheScanLimit() {
        byte[] atLimit = BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(640, 480, 3), 22);
        assertThat(FrameDecoder.jpegScans(atLimit)).isEqualTo(FrameDecoder.DEFAULT_MAX_SCANS);
        Mat image = FrameDecoder.decodeJpeg(atLimit);
        try {
            assertThat(image.cols()).isEqualTo(640);
            assertThat(image.rows()).isEqualTo(480);
        } finally {
            image.release();
        }
        assertThatThrownBy(() -> new FrameDecoder(1_000_000, 31).decode(atLimit))
                .isInstanceOf(DecodeBudgetException.class)
                .hasMessageContaining("at most 31 scans")
                .hasMessageContaining("found 32 scans");
    }
}

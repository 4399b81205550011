package org.facestream.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One rule for image file names and one for image bytes. */
class ImageFormatsTest {
    @Test
    void jpegAndPngNamesInAnyCase() {
        assertThat(ImageFormats.isJpegOrPngName(Path.of("a/b/obama.jpg"))).isTrue();
        assertThat(ImageFormats.isJpegOrPngName(Path.of("OBAMA.JPEG"))).isTrue();
        assertThat(ImageFormats.isJpegOrPngName(Path.of("penny1.Png"))).isTrue();
        assertThat(ImageFormats.isJpegOrPngName(Path.of("scan.bmp"))).isFalse();
        assertThat(ImageFormats.isJpegOrPngName(Path.of("jpg"))).isFalse();
        assertThat(ImageFormats.isJpegOrPngName(Path.of(".jpg")))
                .as("only an extension")
                .isFalse();
        assertThat(ImageFormats.isJpegOrPngName(Path.of("/")))
                .as("no file name")
                .isFalse();
        assertThat(ImageFormats.hasExtension(Path.of("frame.TIFF"), Set.of("tif", "tiff")))
                .isTrue();
    }

    @Test
    void jpegAndPngBytesByTheirMagicNumbers() {
        assertThat(ImageFormats.isJpegOrPng(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}))
                .isTrue();
        assertThat(ImageFormats.isJpegOrPng(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0}))
                .isTrue();
        assertThat(ImageFormats.isJpegOrPng(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
                .as("too short")
                .isFalse();
        assertThat(ImageFormats.isJpegOrPng("hello".getBytes())).isFalse();
        assertThat(ImageFormats.isJpegOrPng(new byte[0])).isFalse();
    }
}

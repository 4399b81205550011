package org.facestream.events;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Which files and bytes are images, decided in one place. Frames on {@code facestream.frames.v1} and
 * enrollment photos are JPEG or PNG bytes (what the vision path's decoder reads), so the rule belongs to the
 * wire contract; it lives here because every stage that lists or receives images (ingest, enroll, eval, the
 * API) may depend on {@code events}, and on nothing else they share.
 */
public final class ImageFormats {
    /** Extensions of JPEG and PNG files, lower case: the photos enrollment, the cohort and evaluation read. */
    public static final Set<String> JPEG_OR_PNG = Set.of("jpg", "jpeg", "png");

    private ImageFormats() {}

    /** Whether {@code file} is a JPEG or PNG photo by its name ({@link #JPEG_OR_PNG}, any case). */
    public static boolean isJpegOrPngName(Path file) {
        return hasExtension(file, JPEG_OR_PNG);
    }

    /**
     * Whether the name of {@code file} ends in a dot and one of {@code extensions} (lower case; the name's case
     * does not matter). A name that only is an extension ({@code .jpg}, a hidden file) has none.
     */
    public static boolean hasExtension(Path file, Set<String> extensions) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 && extensions.contains(s.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code bytes} start like a JPEG (FF D8 FF) or a PNG (89 'P' 'N' 'G'): the check an upload passes
     * before it reaches the decoder, which reads the header in full.
     */
    public static boolean isJpegOrPng(byte[] bytes) {
        boolean jpeg =
                bytes.length > 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF;
        boolean png =
                bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
        return jpeg || png;
    }
}

package org.facestream.vision;

import org.facestream.config.VisionOptions;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decodes JPEG (or PNG) frame bytes to an 8-bit BGR {@link Mat}, refusing images whose header declares more
 * pixels than allowed before any pixel is decoded: a 100-byte file can declare 65535x65535 pixels and make
 * the decoder allocate gigabytes (a decompression bomb). Immutable and thread-safe.
 */
public final class FrameDecoder {
    private static final FrameDecoder DEFAULT = new FrameDecoder(VisionOptions.DEFAULT_MAX_PIXELS);

    /**
     * Width and height an image header declares.
     *
     * @param width pixels
     * @param height pixels
     */
    public record ImageSize(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    private final long maxPixels;

    /** @param maxPixels largest width x height accepted */
    public FrameDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("expected a positive pixel limit, found " + maxPixels);
        }
        this.maxPixels = maxPixels;
        OpenCvNatives.load();
    }

    /** Decodes with the default limit of {@link VisionOptions#DEFAULT_MAX_PIXELS}; the caller releases the Mat. */
    public static Mat decodeJpeg(byte[] bytes) {
        return DEFAULT.decode(bytes);
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes to an 8-bit BGR Mat (EXIF orientation applied); the caller releases it.
     *
     * @throws UndecodableFrameException when the bytes are not a JPEG/PNG, are corrupt, or declare more than
     *     {@link #maxPixels()} pixels
     */
    public Mat decode(byte[] bytes) {
        ImageSize size = declaredSize(bytes);
        if (size.pixels() > maxPixels) {
            throw new UndecodableFrameException("expected an image of at most " + maxPixels + " pixels, found "
                    + size.width() + "x" + size.height() + " = " + size.pixels() + " declared in its header");
        }
        MatOfByte encoded = new MatOfByte(bytes);
        Mat image;
        try {
            image = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR);
        } finally {
            encoded.release();
        }
        if (image.empty()) {
            image.release();
            throw new UndecodableFrameException("expected a decodable " + size.width() + "x" + size.height()
                    + " image, found corrupt data (" + bytes.length + " bytes)");
        }
        return image;
    }

    /**
     * Reads width and height from a JPEG start-of-frame segment or a PNG IHDR chunk without decoding.
     *
     * @throws UndecodableFrameException when the bytes are neither or the header is truncated
     */
    public static ImageSize declaredSize(byte[] bytes) {
        if (bytes == null || bytes.length < 4) {
            throw new UndecodableFrameException(
                    "expected JPEG or PNG bytes, found " + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        if (u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8) {
            return jpegSize(bytes);
        }
        if (bytes.length >= 24
                && u8(bytes, 0) == 0x89
                && bytes[1] == 'P'
                && bytes[2] == 'N'
                && bytes[3] == 'G'
                && bytes[12] == 'I'
                && bytes[13] == 'H'
                && bytes[14] == 'D'
                && bytes[15] == 'R') {
            return checked(u32(bytes, 16), u32(bytes, 20), "PNG");
        }
        throw new UndecodableFrameException(String.format(
                "expected a JPEG (FF D8) or PNG image, found bytes %02X %02X %02X %02X",
                bytes[0], bytes[1], bytes[2], bytes[3]));
    }

    private static ImageSize jpegSize(byte[] b) {
        int pos = 2;
        while (pos + 1 < b.length) {
            if (u8(b, pos) != 0xFF) {
                throw new UndecodableFrameException(
                        "expected a JPEG marker at byte " + pos + ", found " + String.format("%02X", b[pos]));
            }
            int marker = u8(b, pos + 1);
            if (marker == 0xFF) { // fill byte before a marker
                pos++;
                continue;
            }
            pos += 2;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // stand-alone markers carry no length
            }
            if (marker == 0xD9 || marker == 0xDA) {
                break; // end of image or start of scan: a valid JPEG declares its size before either
            }
            if (pos + 1 >= b.length) {
                break;
            }
            int length = u16(b, pos);
            if (length < 2) {
                throw new UndecodableFrameException("expected a JPEG segment length of at least 2, found " + length);
            }
            boolean startOfFrame =
                    marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                if (pos + 6 >= b.length) {
                    break;
                }
                return checked(u16(b, pos + 5), u16(b, pos + 3), "JPEG");
            }
            pos += length;
        }
        throw new UndecodableFrameException(
                "expected a JPEG start-of-frame header with the image size, found none in " + b.length + " bytes");
    }

    private static ImageSize checked(long width, long height, String format) {
        if (width < 1 || height < 1 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new UndecodableFrameException(
                    "expected a positive " + format + " size, found " + width + "x" + height);
        }
        return new ImageSize((int) width, (int) height);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }
}

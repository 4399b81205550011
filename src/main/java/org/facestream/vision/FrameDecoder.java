package org.facestream.vision;

import java.util.concurrent.atomic.LongAdder;
import org.facestream.config.VisionOptions;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decodes JPEG (or PNG) frame bytes to an 8-bit BGR {@link Mat} within a decode budget, checked on the bytes
 * before any pixel is decoded:
 *
 * <ul>
 *   <li>pixels: a 100-byte file can declare 65535x65535 pixels and make the decoder allocate gigabytes (a
 *       decompression bomb), so the size the header declares is bounded;
 *   <li>scans: a progressive JPEG is decoded scan by scan, and every scan touches every coefficient block of
 *       its components, so the cost is pixels times scans. A 330 kB 6000x6000 JPEG whose last 59-byte scan
 *       is repeated 2,000 times passes the pixel bound and costs about 21 ms per scan, 45 s in all. The scans
 *       are counted exactly (start-of-scan markers, walking the segments and the entropy-coded data between
 *       them, linear in the bytes) and a JPEG with more than the limit is refused. Encoders write 1 scan
 *       (baseline), up to 4 (non-interleaved) or about 10 (libjpeg's and mozjpeg's progressive modes).
 * </ul>
 *
 * <p>Both bounds together cap the cost of one decode: at the defaults (40 MP, 32 scans) the worst admitted
 * JPEG decoded in 2.8 s on a loaded 2-core machine ({@code DecodeBudgetFaultTest}), so no single frame can hold
 * a worker anywhere near its 300 s poll interval.
 * Immutable and thread-safe.
 */
public final class FrameDecoder {
    /**
     * Most scans a JPEG may have: three times what common progressive encoders write, a bounded cost (decoding
     * at the pixel limit grows by about 20 ms per scan on one core).
     */
    public static final int DEFAULT_MAX_SCANS = 32;

    private static final FrameDecoder DEFAULT = new FrameDecoder(VisionOptions.DEFAULT_MAX_PIXELS, DEFAULT_MAX_SCANS);

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
    private final int maxScans;

    /** @param maxPixels largest width x height accepted; at most {@link #DEFAULT_MAX_SCANS} JPEG scans */
    public FrameDecoder(long maxPixels) {
        this(maxPixels, DEFAULT_MAX_SCANS);
    }

    /**
     * @param maxPixels largest width x height accepted
     * @param maxScans most start-of-scan segments a JPEG may hold
     */
    public FrameDecoder(long maxPixels, int maxScans) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("expected a positive pixel limit, found " + maxPixels);
        }
        if (maxScans < 1) {
            throw new IllegalArgumentException("expected a positive scan limit, found " + maxScans);
        }
        this.maxPixels = maxPixels;
        this.maxScans = maxScans;
        OpenCvNatives.load();
    }

    /** Decodes with the default limit of {@link VisionOptions#DEFAULT_MAX_PIXELS}; the caller releases the Mat. */
    public static Mat decodeJpeg(byte[] bytes) {
        return DEFAULT.decode(bytes);
    }

    public long maxPixels() {
        return maxPixels;
    }

    public int maxScans() {
        return maxScans;
    }

    /**
     * Decodes to an 8-bit BGR Mat (EXIF orientation applied); the caller releases it.
     *
     * @throws DecodeBudgetException when a JPEG has more than {@link #maxScans()} scans
     * @throws UndecodableFrameException when the bytes are not a JPEG/PNG, are corrupt, or declare more than
     *     {@link #maxPixels()} pixels
     */
    public Mat decode(byte[] bytes) {
        ImageSize size = declaredSize(bytes);
        if (size.pixels() > maxPixels) {
            throw new UndecodableFrameException("expected an image of at most " + maxPixels + " pixels, found "
                    + size.width() + "x" + size.height() + " = " + size.pixels() + " declared in its header");
        }
        requireScanBudget(bytes, size);
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
     * Refuses a JPEG with more than {@link #maxScans()} scans; PNGs, whose cost the pixel bound already caps, pass.
     *
     * @throws DecodeBudgetException naming the scans found
     */
    public void requireScanBudget(byte[] bytes, ImageSize size) {
        if (!isJpeg(bytes)) {
            return;
        }
        int scans = jpegScans(bytes);
        if (scans > maxScans) {
            throw new DecodeBudgetException("expected a JPEG of at most " + maxScans
                    + " scans (decoding cost grows with pixels times scans), found " + scans + " scans of "
                    + size.width() + "x" + size.height() + " pixels in " + bytes.length + " bytes");
        }
    }

    /**
     * The start-of-scan segments of a JPEG, up to its end-of-image marker: segments are skipped by their
     * length, entropy-coded data byte by byte up to the next marker (a 0xFF followed by neither a stuffed zero,
     * a fill byte nor a restart marker), as the decoder finds them. Linear in the bytes, allocation-free.
     */
    public static int jpegScans(byte[] b) {
        int scans = 0;
        int pos = 2;
        int n = b.length;
        while (pos + 1 < n) {
            if ((b[pos] & 0xFF) != 0xFF) {
                pos++; // entropy-coded data (or garbage the decoder skips the same way)
                continue;
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // stuffed 0xFF, TEM, a stray SOI, restart markers: no length
                continue;
            }
            if (marker == 0xD9) {
                break; // end of image
            }
            if (marker == 0xDA) {
                scans++;
            }
            if (pos + 3 >= n) {
                break;
            }
            pos += 2 + Math.max(2, u16(b, pos + 2));
        }
        return scans;
    }

    /**
     * The counter of pictures {@code stage} refused for their decode budget, {@code decode_budget_refusals_total}
     * (created at zero, so Prometheus sees it before the first refusal).
     */
    public static LongAdder budgetRefusals(MetricsRegistry metrics, String stage) {
        return metrics.counter(
                "decode_budget_refusals_total",
                "Pictures refused before decoding because they exceed the decode budget (too many JPEG scans)",
                MetricsRegistry.label("stage", stage));
    }

    private static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 2 && u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8;
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
        if (isJpeg(bytes)) {
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

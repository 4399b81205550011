package org.facestream.ingest;

import java.time.Instant;
import org.facestream.events.Frame;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Turns a decoded BGR picture into a {@link Frame}: optionally shrunk so its longer side is at most
 * {@code maxSide} pixels (detectors work at 640 px or less; sending 4K costs bandwidth for nothing),
 * then JPEG-encoded with OpenCV. Thread-safe: every call uses its own native buffers.
 */
public final class JpegFrameEncoder {
    private final int quality;
    private final int maxSide;

    /**
     * @param quality JPEG quality 1..100 (85 is visually lossless for faces at a third of the size of 95)
     * @param maxSide longest side in pixels after downscaling, or 0 to keep the source size
     */
    public JpegFrameEncoder(int quality, int maxSide) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("expected JPEG quality 1..100, found " + quality);
        }
        if (maxSide < 0 || (maxSide > 0 && maxSide < 16)) {
            throw new IllegalArgumentException("expected maxSide 0 (keep size) or >= 16 pixels, found " + maxSide);
        }
        this.quality = quality;
        this.maxSide = maxSide;
    }

    /** Encodes {@code bgr} (not modified, not released) into a frame; width and height are the encoded size. */
    public Frame encode(
            String cameraId, String ingestRun, long sequence, Instant capturedAt, long mediaTimeMillis, Mat bgr) {
        Mat scaled = scale(bgr);
        try (var params = new Closer(new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
                var buffer = new Closer(new MatOfByte())) {
            if (!Imgcodecs.imencode(".jpg", scaled, (MatOfByte) buffer.mat, (MatOfInt) params.mat)) {
                throw new IllegalStateException("OpenCV could not JPEG-encode frame " + cameraId + "/" + sequence);
            }
            byte[] jpeg = ((MatOfByte) buffer.mat).toArray();
            return new Frame(
                    cameraId, ingestRun, sequence, capturedAt, mediaTimeMillis, scaled.cols(), scaled.rows(), jpeg);
        } finally {
            if (scaled != bgr) {
                scaled.release();
            }
        }
    }

    private Mat scale(Mat bgr) {
        int longer = Math.max(bgr.cols(), bgr.rows());
        if (maxSide == 0 || longer <= maxSide) {
            return bgr;
        }
        double f = (double) maxSide / longer;
        int w = Math.max(1, (int) Math.round(bgr.cols() * f));
        int h = Math.max(1, (int) Math.round(bgr.rows() * f));
        Mat out = new Mat();
        Imgproc.resize(bgr, out, new Size(w, h), 0, 0, Imgproc.INTER_AREA); // INTER_AREA: no aliasing when shrinking
        return out;
    }

    public int quality() {
        return quality;
    }

    public int maxSide() {
        return maxSide;
    }

    /** Releases a Mat at the end of a try block. */
    private record Closer(Mat mat) implements AutoCloseable {
        @Override
        public void close() {
            mat.release();
        }
    }
}

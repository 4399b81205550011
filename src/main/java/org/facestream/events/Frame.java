package org.facestream.events;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One camera frame, JPEG-encoded, as produced by ingest to {@link Topics#FRAMES}.
 *
 * @param cameraId stable id of the camera (the record key)
 * @param ingestRun the ingest run that produced the frame: a fresh id each time an ingest of the camera starts
 *     ({@link #newIngestRun()}), so that {@code cameraId/ingestRun/sequence} names one frame for ever although
 *     the sequence restarts at 0; null for frames written in the v1 layout, which had no run
 * @param sequence frame number within the camera's ingest run, starting at 0, strictly increasing
 * @param capturedAt wall-clock time the frame was captured (for a file: when ingest read it)
 * @param mediaTimeMillis position of the frame in its source in milliseconds, or -1 for a live source
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param jpeg the JPEG bytes (copied in and out)
 */
public record Frame(
        String cameraId,
        String ingestRun,
        long sequence,
        Instant capturedAt,
        long mediaTimeMillis,
        int width,
        int height,
        byte[] jpeg) {
    private static final SecureRandom RUNS = new SecureRandom();

    public Frame {
        Validation.requireId("cameraId", cameraId);
        Validation.requireRunOrNull(ingestRun);
        Objects.requireNonNull(capturedAt, "capturedAt");
        if (sequence < 0) {
            throw new IllegalArgumentException("expected sequence >= 0, found " + sequence);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("expected positive frame size, found " + width + "x" + height);
        }
        Objects.requireNonNull(jpeg, "jpeg");
        if (jpeg.length == 0) {
            throw new IllegalArgumentException("expected JPEG bytes, found an empty frame");
        }
        jpeg = jpeg.clone();
    }

    /** A frame without an ingest run, as the v1 layout carried them. */
    public Frame(
            String cameraId,
            long sequence,
            Instant capturedAt,
            long mediaTimeMillis,
            int width,
            int height,
            byte[] jpeg) {
        this(cameraId, null, sequence, capturedAt, mediaTimeMillis, width, height, jpeg);
    }

    /** A new ingest run id: 16 lowercase hex digits of 64 random bits (a collision needs about 4 billion runs). */
    public static String newIngestRun() {
        return HexFormat.of().toHexDigits(RUNS.nextLong());
    }

    @Override
    public byte[] jpeg() {
        return jpeg.clone();
    }

    /** Size of the encoded image without copying it. */
    public int jpegLength() {
        return jpeg.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && sequence == f.sequence
                && mediaTimeMillis == f.mediaTimeMillis
                && width == f.width
                && height == f.height
                && cameraId.equals(f.cameraId)
                && Objects.equals(ingestRun, f.ingestRun)
                && capturedAt.equals(f.capturedAt)
                && Arrays.equals(jpeg, f.jpeg);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, ingestRun, sequence, capturedAt, mediaTimeMillis, width, height) * 31
                + Arrays.hashCode(jpeg);
    }

    @Override
    public String toString() {
        return "Frame[" + cameraId + "/" + (ingestRun == null ? "" : ingestRun + "/") + sequence + ", " + width + "x"
                + height + ", " + jpeg.length + " bytes]";
    }
}

package org.facestream.config;

import java.util.regex.Pattern;

/**
 * How one camera is ingested.
 *
 * @param cameraId id of the camera, the record key of its frames
 * @param fps target frames per second to keep (by media time for files, arrival time for cameras); 0 =
 *     every frame
 * @param loop replay a video file from the start when it ends
 * @param realtime pace a file at media speed (a file then behaves like a live camera: frames the
 *     producer cannot keep up with are dropped); for a folder, one image per {@code 1/fps} seconds
 * @param jpegQuality JPEG quality 1..100
 * @param maxSide downscale so the longer side is at most this many pixels; 0 keeps the source size
 * @param handoffCapacity frames that may wait between the grab and produce threads
 */
public record IngestSettings(
        String cameraId,
        double fps,
        boolean loop,
        boolean realtime,
        int jpegQuality,
        int maxSide,
        int handoffCapacity) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    public IngestSettings {
        if (cameraId == null || !ID.matcher(cameraId).matches()) {
            throw new IllegalArgumentException("expected a camera id of 1-128 characters [A-Za-z0-9._:@-], found "
                    + (cameraId == null ? "null" : "'" + cameraId + "'"));
        }
        if (!(fps >= 0) || fps > 1000) {
            throw new IllegalArgumentException("expected fps in 0..1000 (0 = every frame), found " + fps);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("expected JPEG quality 1..100, found " + jpegQuality);
        }
        if (maxSide < 0 || (maxSide > 0 && maxSide < 16)) {
            throw new IllegalArgumentException("expected maxSide 0 (keep size) or >= 16 pixels, found " + maxSide);
        }
        if (handoffCapacity < 1 || handoffCapacity > 64) {
            throw new IllegalArgumentException("expected handoff capacity 1..64, found " + handoffCapacity);
        }
    }

    /** 5 fps, no loop, as fast as possible, JPEG quality 85, source size, 2 frames in the handoff. */
    public static IngestSettings defaults(String cameraId) {
        return new IngestSettings(cameraId, 5, false, false, 85, 0, 2);
    }

    /** A camera's settings from the configuration keys {@code ingest.fps}, {@code ingest.jpeg.quality}, {@code ingest.max.side}. */
    public static IngestSettings fromConfig(FaceStreamConfig cfg, String cameraId) {
        return defaults(cameraId)
                .withFps(cfg.decimal(FaceStreamConfig.INGEST_FPS))
                .withJpegQuality(cfg.integer(FaceStreamConfig.INGEST_JPEG_QUALITY))
                .withMaxSide(cfg.integer(FaceStreamConfig.INGEST_MAX_SIDE));
    }

    public IngestSettings withFps(double newFps) {
        return new IngestSettings(cameraId, newFps, loop, realtime, jpegQuality, maxSide, handoffCapacity);
    }

    public IngestSettings withLoop(boolean newLoop) {
        return new IngestSettings(cameraId, fps, newLoop, realtime, jpegQuality, maxSide, handoffCapacity);
    }

    public IngestSettings withRealtime(boolean newRealtime) {
        return new IngestSettings(cameraId, fps, loop, newRealtime, jpegQuality, maxSide, handoffCapacity);
    }

    public IngestSettings withJpegQuality(int quality) {
        return new IngestSettings(cameraId, fps, loop, realtime, quality, maxSide, handoffCapacity);
    }

    public IngestSettings withMaxSide(int side) {
        return new IngestSettings(cameraId, fps, loop, realtime, jpegQuality, side, handoffCapacity);
    }
}

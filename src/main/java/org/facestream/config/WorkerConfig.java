package org.facestream.config;

import java.time.Duration;
import java.util.Objects;
import org.facestream.events.FaceQuality;

/**
 * Settings of one vision worker instance.
 *
 * @param instanceId stable id of this instance; its transactional id is {@code facestream-worker-<instanceId>},
 *     so a restarted instance fences its own zombie
 * @param maxBatchFrames most frames analysed (and committed) in one transaction
 * @param maxFrameBytes larger JPEG frames are dead-lettered as {@code frame-too-large}
 * @param maxFramePixels larger declared JPEG dimensions are dead-lettered before decoding
 * @param quality faces that fail it are dropped and counted by reason
 * @param thumbnails attach a small JPEG of the aligned face to observations
 * @param pollTimeout longest wait for frames in one poll
 * @param analysis which faces are embedded, tracking and the motion gate
 */
public record WorkerConfig(
        String instanceId,
        int maxBatchFrames,
        int maxFrameBytes,
        long maxFramePixels,
        FaceQuality.Gate quality,
        boolean thumbnails,
        Duration pollTimeout,
        AnalysisSettings analysis) {
    public WorkerConfig {
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(
                    "expected worker instance id of 1-64 [A-Za-z0-9._-], found " + instanceId);
        }
        if (maxBatchFrames < 1) {
            throw new IllegalArgumentException("expected maxBatchFrames >= 1, found " + maxBatchFrames);
        }
        Objects.requireNonNull(analysis, "analysis");
    }

    /** Settings of a worker that embeds every face of every frame ({@link AnalysisSettings#everyFace()}). */
    public WorkerConfig(
            String instanceId,
            int maxBatchFrames,
            int maxFrameBytes,
            long maxFramePixels,
            FaceQuality.Gate quality,
            boolean thumbnails,
            Duration pollTimeout) {
        this(
                instanceId,
                maxBatchFrames,
                maxFrameBytes,
                maxFramePixels,
                quality,
                thumbnails,
                pollTimeout,
                AnalysisSettings.everyFace());
    }

    /** A copy analysing with {@code other}. */
    public WorkerConfig withAnalysis(AnalysisSettings other) {
        return new WorkerConfig(
                instanceId, maxBatchFrames, maxFrameBytes, maxFramePixels, quality, thumbnails, pollTimeout, other);
    }

    /** The consumer group every worker joins. */
    public static final String GROUP_ID = "facestream-worker";

    public String transactionalId() {
        return GROUP_ID + "-" + instanceId;
    }
}

package org.facestream.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a vision worker analyses of the frames it receives: which faces it embeds (every face, or a tracked
 * face's best shots), how it follows faces across a camera's frames, and whether it skips detection on frames
 * where nothing moved. The keys are {@code worker.embed}, {@code worker.track.*}, {@code worker.bestshot.*} and
 * {@code worker.motion.*}.
 *
 * @param embed which faces are embedded and observed
 * @param detectorScore detections below this score (and at least {@code trackLowScore}) only continue existing
 *     tracks: they are not counted as faces, embedded or the start of a track ({@code vision.detector.score.threshold})
 * @param trackLowScore the lowest detector score the tracker looks at, at most {@code detectorScore}
 * @param trackMinIoU least overlap of a track's predicted box with a detection for the two to be associated, in (0, 1]
 * @param trackMaxGap a track without a detection for this long (capture time) ends
 * @param bestShotMinGain a tracked face is embedded again when its quality score reaches this multiple of the best
 *     score embedded on its track so far (at least 1)
 * @param bestShotInterval a tracked face is embedded again when its track's last embedding is this old; zero: never
 *     for time alone
 * @param motionGate skip detection on frames without motion
 * @param motionMinChanged a frame has moved when at least this fraction of its small grey copy changed, in [0, 1]
 * @param cutCorrelation a frame whose small grey copy correlates less than this with the camera's last detected
 *     frame is a scene cut (the camera switched or moved): every track of the camera ends, in [-1, 1]
 * @param detectEvery detect at least one frame in n of a camera (n-1 undetected frames at most) and every scene cut;
 *     the frames between only age the tracks, as frames the motion gate skips do (1: every frame)
 */
public record AnalysisSettings(
        Embed embed,
        double detectorScore,
        double trackLowScore,
        double trackMinIoU,
        Duration trackMaxGap,
        double bestShotMinGain,
        Duration bestShotInterval,
        boolean motionGate,
        double motionMinChanged,
        double cutCorrelation,
        int detectEvery) {

    /** Which faces a worker embeds. */
    public enum Embed {
        /** A track's first face that passes the quality gate, then only clearly better shots, or after an interval. */
        BEST_SHOT,
        /** Every face of every frame that passes the quality gate (the worker before tracking). */
        EVERY_FACE
    }

    public AnalysisSettings {
        Objects.requireNonNull(embed, "embed");
        Objects.requireNonNull(trackMaxGap, "trackMaxGap");
        Objects.requireNonNull(bestShotInterval, "bestShotInterval");
        if (!(detectorScore >= 0 && detectorScore <= 1) || !(trackLowScore >= 0 && trackLowScore <= detectorScore)) {
            throw new IllegalArgumentException("expected 0 <= trackLowScore <= detectorScore <= 1, found "
                    + trackLowScore + " and " + detectorScore);
        }
        if (!(trackMinIoU > 0 && trackMinIoU <= 1)) {
            throw new IllegalArgumentException("expected trackMinIoU in (0, 1], found " + trackMinIoU);
        }
        if (trackMaxGap.isNegative() || trackMaxGap.isZero()) {
            throw new IllegalArgumentException("expected a positive trackMaxGap, found " + trackMaxGap);
        }
        if (!(bestShotMinGain >= 1) || Double.isInfinite(bestShotMinGain)) {
            throw new IllegalArgumentException("expected bestShotMinGain >= 1, found " + bestShotMinGain);
        }
        if (bestShotInterval.isNegative()) {
            throw new IllegalArgumentException("expected bestShotInterval >= 0, found " + bestShotInterval);
        }
        if (!(motionMinChanged >= 0 && motionMinChanged <= 1)) {
            throw new IllegalArgumentException("expected motionMinChanged in [0, 1], found " + motionMinChanged);
        }
        if (!(cutCorrelation >= -1 && cutCorrelation <= 1)) {
            throw new IllegalArgumentException("expected cutCorrelation in [-1, 1], found " + cutCorrelation);
        }
        if (detectEvery < 1) {
            throw new IllegalArgumentException("expected detectEvery >= 1, found " + detectEvery);
        }
    }

    /** The defaults of the configuration keys: best shots, motion gate on. */
    public static AnalysisSettings defaults() {
        return new AnalysisSettings(
                Embed.BEST_SHOT,
                0.6,
                0.4,
                0.2,
                Duration.ofMillis(1500),
                1.25,
                Duration.ofSeconds(5),
                true,
                0.003,
                0.25,
                2);
    }

    /**
     * Every face of every frame embedded, no motion gate, every detection the detector returns a face: what a
     * worker did before it tracked faces (the faces still get track ids).
     */
    public static AnalysisSettings everyFace() {
        return new AnalysisSettings(
                Embed.EVERY_FACE,
                0,
                0,
                0.2,
                Duration.ofMillis(1500),
                1.25,
                Duration.ofSeconds(5),
                false,
                0.003,
                0.25,
                1);
    }

    /** The settings of the configuration keys of {@code cfg}. */
    public static AnalysisSettings fromConfig(FaceStreamConfig cfg) {
        double detector = cfg.decimal(FaceStreamConfig.DETECTOR_SCORE);
        return new AnalysisSettings(
                "every-face".equals(cfg.string(FaceStreamConfig.WORKER_EMBED)) ? Embed.EVERY_FACE : Embed.BEST_SHOT,
                detector,
                Math.min(detector, cfg.decimal(FaceStreamConfig.TRACK_LOW_SCORE)),
                cfg.decimal(FaceStreamConfig.TRACK_MIN_IOU),
                Duration.ofMillis(cfg.integer(FaceStreamConfig.TRACK_MAX_GAP_MS)),
                cfg.decimal(FaceStreamConfig.BESTSHOT_MIN_GAIN),
                Duration.ofMillis(cfg.integer(FaceStreamConfig.BESTSHOT_INTERVAL_MS)),
                cfg.bool(FaceStreamConfig.MOTION_GATE),
                cfg.decimal(FaceStreamConfig.MOTION_MIN_CHANGED),
                cfg.decimal(FaceStreamConfig.TRACK_CUT_CORRELATION),
                cfg.integer(FaceStreamConfig.DETECT_EVERY));
    }

    /** Longest run of frames skipped by the motion gate: half the track gap, so a still face keeps its track. */
    public Duration motionMaxSkip() {
        return trackMaxGap.dividedBy(2);
    }

    public AnalysisSettings withEmbed(Embed e) {
        return new AnalysisSettings(
                e,
                detectorScore,
                trackLowScore,
                trackMinIoU,
                trackMaxGap,
                bestShotMinGain,
                bestShotInterval,
                motionGate,
                motionMinChanged,
                cutCorrelation,
                detectEvery);
    }

    public AnalysisSettings withMotionGate(boolean on) {
        return new AnalysisSettings(
                embed,
                detectorScore,
                trackLowScore,
                trackMinIoU,
                trackMaxGap,
                bestShotMinGain,
                bestShotInterval,
                on,
                motionMinChanged,
                cutCorrelation,
                detectEvery);
    }

    public AnalysisSettings withDetectEvery(int every) {
        return new AnalysisSettings(
                embed,
                detectorScore,
                trackLowScore,
                trackMinIoU,
                trackMaxGap,
                bestShotMinGain,
                bestShotInterval,
                motionGate,
                motionMinChanged,
                cutCorrelation,
                every);
    }
}

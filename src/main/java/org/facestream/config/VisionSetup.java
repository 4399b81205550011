package org.facestream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;

/** Turns configuration into the pack, the model directory and opened analyzers. */
public final class VisionSetup {
    private VisionSetup() {}

    public static ModelPack pack(FaceStreamConfig cfg) {
        return ModelPacks.byId(cfg.string(FaceStreamConfig.MODEL_PACK));
    }

    /** The model directory: {@code models.dir}/{@code --models}/{@code FACESTREAM_MODELS}, required. */
    public static Path modelsDir(FaceStreamConfig cfg) {
        String dir = cfg.string(FaceStreamConfig.MODELS_DIR);
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException(
                    "expected a model directory (--models DIR or FACESTREAM_MODELS), found none");
        }
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(
                    "expected model directory " + p.toAbsolutePath() + " to exist, found nothing there");
        }
        return p;
    }

    /**
     * Options for camera frames: the configured detector input as the largest size, a smaller frame detected at
     * its own size; the detector's score threshold lowered to {@code worker.track.low.score}, because the
     * worker's tracker continues tracks on weaker detections (the worker drops them from everything else).
     */
    public static VisionOptions frameOptions(FaceStreamConfig cfg, ModelPack pack) {
        return options(cfg, pack).withDetectorFollowingFrame(true).withScoreThreshold((float)
                AnalysisSettings.fromConfig(cfg).trackLowScore());
    }

    /** Options for enrollment portraits: the pack's own detector input, as in its accuracy evaluation. */
    public static VisionOptions portraitOptions(FaceStreamConfig cfg, ModelPack pack) {
        return options(cfg, pack).withDetectorInputSize(pack.detectorInputSize());
    }

    private static VisionOptions options(FaceStreamConfig cfg, ModelPack pack) {
        return new VisionOptions(
                        roundUp32(cfg.integer(FaceStreamConfig.DETECTOR_INPUT)),
                        (float) cfg.decimal(FaceStreamConfig.DETECTOR_SCORE),
                        pack.detectorKind().defaultNmsIouThreshold(),
                        cfg.bool(FaceStreamConfig.FLIP),
                        "cuda".equals(cfg.string(FaceStreamConfig.EXECUTION_PROVIDER)),
                        cfg.integer(FaceStreamConfig.VISION_THREADS),
                        cfg.longValue(FaceStreamConfig.FRAME_MAX_PIXELS),
                        cfg.bool(FaceStreamConfig.THUMBNAILS))
                .withRefinedLandmarks(cfg.bool(FaceStreamConfig.REFINE_LANDMARKS));
    }

    /** The fixed threshold: {@code matcher.threshold} when set, else the pack's default. */
    public static double threshold(FaceStreamConfig cfg) {
        double t = cfg.decimal(FaceStreamConfig.MATCH_THRESHOLD);
        // the pack stores a float: read it back through its decimal form so 0.40f is 0.4, not 0.4000000059604645
        return t < -1 ? Double.parseDouble(Float.toString(pack(cfg).defaultCosineThreshold())) : t;
    }

    private static int roundUp32(int v) {
        return (v + 31) / 32 * 32;
    }
}

package org.facestream.eval;

import java.nio.file.Path;
import org.facestream.config.VisionOptions;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.facestream.vision.FaceAnalyzer;

/**
 * Opens the production {@link FaceAnalyzer} with the same parts {@link FaceAnalyzer#open} assembles, with one
 * difference: its detector is wrapped in a {@link SubjectFaceDetector}, so an image without a detected face
 * is still embedded (centre crop, LFW landmark layout) and counted, instead of silently leaving a pair out,
 * and, when asked, only the face nearest the centre is embedded.
 */
public final class EvalAnalyzers {
    private EvalAnalyzers() {}

    /**
     * Verifies the pack's files (sha256) and opens an analyzer with the centre fallback.
     *
     * @param nearestCentreOnly embed only the face nearest the image centre (a batch of one); false embeds
     *     every face of an image together, as the vision worker does with a frame
     */
    public static FaceAnalyzer open(ModelPack pack, Path modelsDir, VisionOptions options, boolean nearestCentreOnly) {
        return FaceAnalyzer.open(
                pack, modelsDir, options, new MetricsRegistry(), d -> new SubjectFaceDetector(d, nearestCentreOnly));
    }
}

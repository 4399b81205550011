package org.facestream.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.OnnxOptions;
import org.facestream.vision.FrameDecoder;
import org.opencv.core.Mat;

/**
 * The detection experiment behind {@code facestream eval detect}: the pack's detector on every annotated image
 * at each input size, matched to the boxes by {@link DetectionEvaluation}. One line per size; the last line,
 * {@code recall=... precision=...}, is the first size's.
 */
public final class DetectExperiment {
    private DetectExperiment() {}

    /**
     * What to run; named after the options of {@code eval detect}, and its messages name them too.
     *
     * @param annotations dlib imglab XML, image paths relative to it
     * @param inputSizes detector input sizes, each measured; empty for the pack's
     * @param iou intersection over union a detection needs to match a box, in (0, 1]
     */
    public record Options(Path annotations, ModelPack pack, Path modelsDir, List<Integer> inputSizes, double iou) {
        public Options {
            if (!(iou > 0 && iou <= 1)) {
                throw new IllegalArgumentException("expected --iou in (0, 1], found " + iou);
            }
            inputSizes = List.copyOf(inputSizes);
        }
    }

    /** Runs the experiment, writing one line per input size to {@code out}; returns the first size's report. */
    public static DetectionReport run(Options o, PrintWriter out) throws IOException {
        ModelPack pack = o.pack();
        Path detectorFile = ModelFiles.verify(pack.detector(), o.modelsDir());
        List<AnnotatedImage> images = DlibAnnotations.read(o.annotations());
        List<Integer> sizes = o.inputSizes().isEmpty() ? List.of(pack.detectorInputSize()) : o.inputSizes();
        DetectionReport first = null;
        for (int size : sizes) {
            DetectorSettings settings = DetectorSettings.defaults(pack.detectorKind(), size);
            List<DetectionReport> perImage = new ArrayList<>();
            try (FaceDetector detector =
                    FaceDetector.open(pack.detectorKind(), detectorFile, settings, OnnxOptions.cpu())) {
                for (AnnotatedImage image : images) {
                    Mat bgr = FrameDecoder.decodeJpeg(Files.readAllBytes(image.file()));
                    try {
                        List<DetectedFace> found = detector.detect(bgr);
                        perImage.add(DetectionEvaluation.evaluate(image, found, o.iou()));
                    } finally {
                        bgr.release();
                    }
                }
            }
            DetectionReport r = DetectionEvaluation.sum(perImage, o.iou());
            first = first == null ? r : first;
            out.printf(
                    Locale.ROOT,
                    "%s detector-size=%d images=%d faces=%d detections=%d matched=%d recall=%.4f precision=%.4f "
                            + "(IoU >= %.2f, score >= %.2f)%n",
                    pack.id(),
                    size,
                    r.images(),
                    r.faces(),
                    r.detections(),
                    r.matched(),
                    r.recall(),
                    r.precision(),
                    o.iou(),
                    settings.scoreThreshold());
        }
        out.printf(Locale.ROOT, "recall=%.4f precision=%.4f%n", first.recall(), first.precision());
        out.flush();
        return first;
    }
}

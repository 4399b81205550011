package org.facestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.vision.FrameDecoder;
import org.facestream.eval.AnnotatedImage;
import org.facestream.eval.DetectionEvaluation;
import org.facestream.eval.DetectionReport;
import org.facestream.eval.DlibAnnotations;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxOptions;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code facestream eval detect}: recall and precision of the pack's detector against dlib imglab boxes, at
 * one or more detector input sizes. Last stdout line: {@code recall=0.XXXX precision=0.XXXX} for the first size.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
    description = "Detection recall (IoU >= --iou) and precision on dlib imglab XML annotations.")
final class EvalDetectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--annotations", required = true, paramLabel = "XML", description = "dlib imglab XML; image paths relative to it.")
  Path annotations;

  @Option(names = "--pack", paramLabel = "ID", defaultValue = "yunet-w600k-int8", description = "Model pack whose detector is measured (default ${DEFAULT-VALUE}).")
  String pack;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: env FACESTREAM_MODELS).")
  Path models;

  @Option(names = "--detector-size", paramLabel = "PX", split = ",", description = "Detector input sizes, e.g. 320,640 (default: the pack's).")
  List<Integer> sizes;

  @Option(names = "--iou", paramLabel = "X", defaultValue = "0.5", description = "IoU a detection needs to match a box (default ${DEFAULT-VALUE}).")
  double iou;

  @Override
  public Integer call() throws IOException {
    if (!(iou > 0 && iou <= 1)) {
      throw new IllegalArgumentException("expected --iou in (0, 1], found " + iou);
    }
    PrintWriter out = spec.commandLine().getOut();
    ModelPack modelPack = ModelPacks.byId(pack);
    Path detectorFile = ModelFiles.verify(modelPack.detector(), EvalOptions.modelsDir(models));
    List<AnnotatedImage> images = DlibAnnotations.read(annotations);
    List<Integer> inputSizes = sizes == null || sizes.isEmpty() ? List.of(modelPack.detectorInputSize()) : sizes;
    DetectionReport first = null;
    for (int size : inputSizes) {
      DetectorSettings settings = DetectorSettings.defaults(modelPack.detectorKind(), size);
      List<DetectionReport> perImage = new ArrayList<>();
      try (FaceDetector detector = FaceDetector.open(modelPack.detectorKind(), detectorFile, settings, OnnxOptions.cpu())) {
        for (AnnotatedImage image : images) {
          Mat bgr = FrameDecoder.decodeJpeg(Files.readAllBytes(image.file()));
          try {
            List<DetectedFace> found = detector.detect(bgr);
            perImage.add(DetectionEvaluation.evaluate(image, found, iou));
          } finally {
            bgr.release();
          }
        }
      }
      DetectionReport r = DetectionEvaluation.sum(perImage, iou);
      first = first == null ? r : first;
      out.printf(Locale.ROOT, "%s detector-size=%d images=%d faces=%d detections=%d matched=%d recall=%.4f precision=%.4f "
          + "(IoU >= %.2f, score >= %.2f)%n", modelPack.id(), size, r.images(), r.faces(), r.detections(), r.matched(),
          r.recall(), r.precision(), iou, settings.scoreThreshold());
    }
    out.printf(Locale.ROOT, "recall=%.4f precision=%.4f%n", first.recall(), first.precision());
    out.flush();
    return 0;
  }
}

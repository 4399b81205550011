package org.facestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.facestream.eval.EvalAnalyzers;
import org.facestream.eval.FacePair;
import org.facestream.eval.Folds;
import org.facestream.eval.ImageEmbeddings;
import org.facestream.eval.ImageFace;
import org.facestream.eval.PairsFile;
import org.facestream.eval.RocPlot;
import org.facestream.eval.VerificationEvaluation;
import org.facestream.eval.VerificationReport;
import org.facestream.config.VisionOptions;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code facestream eval verify}: LFW-style face verification through the production {@code FaceAnalyzer}.
 * The last line of stdout is machine-readable: {@code accuracy=0.XXXX std=0.XXXX tar@far=1e-3:0.XXXX no_face=N}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Face verification accuracy on LFW-format pairs files (View 1 'N' or View 2 'folds N' header).",
        "Protocols: one View 2 file alone -> its own folds; --train FILE -> threshold from FILE, accuracy on --pairs;"
            + " otherwise (or with --folds) seeded k-fold cross-validation over all pairs of all --pairs files.",
        "Images without a detected face are embedded from a centre crop with LFW's mean landmark layout and counted"
            + " as no_face."})
final class EvalVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "Pairs file; repeat for several.")
  List<Path> pairs;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Image root: DIR/<Name>/<Name>_<NNNN>.jpg.")
  Path images;

  @Option(names = "--train", paramLabel = "FILE", description = "Choose the threshold on this pairs file, measure on --pairs.")
  Path train;

  @Option(names = "--folds", paramLabel = "K", description = "Seeded K-fold cross-validation over all pairs (default 10 unless one View 2 file is given alone).")
  Integer folds;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the fold split (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "DIR", description = "Write roc-det.png, scores.csv and summary.txt here.")
  Path out;

  @Option(names = "--pack", paramLabel = "ID", defaultValue = "yunet-w600k-int8", description = "Model pack (default ${DEFAULT-VALUE}).")
  String pack;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: env FACESTREAM_MODELS).")
  Path models;

  @Option(names = "--flip", description = "Test-time flip: add the embedding of the mirrored crop.")
  boolean flip;

  @Option(names = "--detector-size", paramLabel = "PX", description = "Detector input size, a multiple of 32 (default: the pack's, 320).")
  Integer detectorSize;

  @Option(names = "--nearest-face-only", description = {"Embed only the face nearest the image centre, alone. Default: "
      + "embed every detected face of an image together (as the vision worker does with a frame) and keep the "
      + "nearest; with an int8 dynamically quantised embedder the batch changes the embeddings slightly."})
  boolean nearestOnly;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads, one analyzer and one ONNX thread each (default: cores).")
  Integer threads;

  @Override
  public Integer call() throws IOException {
    ModelPack modelPack = ModelPacks.byId(pack);
    Path modelsDir = EvalOptions.modelsDir(models);
    if (train != null && folds != null) {
      throw new IllegalArgumentException("expected either --train (train/test) or --folds (cross-validation), found both");
    }
    List<PairsFile> files = new ArrayList<>();
    for (Path p : pairs) {
      files.add(PairsFile.read(p, images));
    }
    PairsFile trainFile = train == null ? null : PairsFile.read(train, images);
    VisionOptions options = VisionOptions.defaults(modelPack).withFlip(flip);
    if (detectorSize != null) {
      options = options.withDetectorInputSize(detectorSize);
    }
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();

    List<FacePair> test = files.stream().flatMap(f -> f.pairs().stream()).toList();
    List<FacePair> all = new ArrayList<>(test);
    if (trainFile != null) {
      all.addAll(trainFile.pairs());
    }
    List<Path> paths = all.stream().flatMap(p -> Stream.of(p.first(), p.second())).toList();
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "pack=%s detector-size=%d flip=%s nearest-face-only=%s threads=%d pairs=%d images=%d%n",
        modelPack.id(), options.detectorInputSize(), flip, nearestOnly, workers, all.size(), paths.stream().distinct().count());
    long start = System.nanoTime();
    VisionOptions opts = options;
    ImageEmbeddings embeddings =
        ImageEmbeddings.compute(paths, () -> EvalAnalyzers.open(modelPack, modelsDir, opts, nearestOnly), workers, System.err);
    double seconds = (System.nanoTime() - start) / 1e9;

    double[] scores = scores(embeddings, test);
    boolean[] same = labels(test);
    VerificationReport report;
    if (trainFile != null) {
      report = VerificationEvaluation.trainTest("threshold from " + name(train) + ", accuracy on " + names(files),
          scores(embeddings, trainFile.pairs()), labels(trainFile.pairs()), scores, same);
    } else if (folds == null && files.size() == 1 && files.get(0).view() == 2 && files.get(0).folds() > 1) {
      int[] fold = test.stream().mapToInt(FacePair::fold).toArray();
      report = VerificationEvaluation.crossValidate(files.get(0).folds() + " folds of " + names(files), scores, same, fold);
    } else {
      int k = folds == null ? 10 : folds;
      report = VerificationEvaluation.crossValidate("seeded " + k + "-fold cross-validation (seed " + seed + ") over "
          + names(files), scores, same, Folds.assign(same, k, seed));
    }
    List<Path> noFace = embeddings.noFace();
    List<String> summary = summary(modelPack, opts, report, embeddings, noFace, seconds);
    summary.forEach(stdout::println);
    if (out != null) {
      Files.createDirectories(out);
      Files.write(out.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
      writeScores(out.resolve("scores.csv"), test, scores);
      long impostors = test.stream().filter(p -> !p.same()).count();
      RocPlot.write(report.roc(), (int) impostors, String.format(Locale.ROOT, "%s%s, detector %d px: accuracy %.4f, TAR@FAR=1e-3 %.4f\n%s",
          modelPack.id(), flip ? " + flip" : "", opts.detectorInputSize(), report.meanAccuracy(), report.tarAtFar1e3(),
          report.protocol()),
          out.resolve("roc-det.png"));
      stdout.println("wrote " + out.resolve("roc-det.png") + ", scores.csv, summary.txt");
    }
    stdout.printf(Locale.ROOT, "accuracy=%.4f std=%.4f tar@far=1e-3:%.4f no_face=%d%n", report.meanAccuracy(),
        report.stdAccuracy(), report.tarAtFar1e3(), noFace.size());
    stdout.flush();
    return 0;
  }

  private static List<String> summary(ModelPack pack, VisionOptions opts, VerificationReport r,
      ImageEmbeddings embeddings, List<Path> noFace, double seconds) {
    List<String> lines = new ArrayList<>();
    lines.add("protocol: " + r.protocol() + ", " + r.pairs() + " pairs measured");
    lines.add("fold accuracies: " + Arrays.stream(r.foldAccuracies()).mapToObj(a -> String.format(Locale.ROOT, "%.4f", a))
        .collect(Collectors.joining(" ")));
    lines.add("fold thresholds (cosine): " + Arrays.stream(r.foldThresholds())
        .mapToObj(t -> String.format(Locale.ROOT, "%.4f", t)).collect(Collectors.joining(" ")));
    lines.add(String.format(Locale.ROOT, "accuracy %.4f +- %.4f (population std over folds)", r.meanAccuracy(), r.stdAccuracy()));
    lines.add(String.format(Locale.ROOT, "TAR@FAR=1e-3 %.4f  TAR@FAR=1e-2 %.4f (over all measured pairs)", r.tarAtFar1e3(), r.tarAtFar1e2()));
    int multi = 0;
    float minScore = 1;
    double[] layout = new double[10];
    int detected = 0;
    for (ImageFace f : embeddings.all().values()) {
      if (f.fallback()) {
        continue;
      }
      detected++;
      multi += f.detectedFaces() > 1 ? 1 : 0;
      minScore = Math.min(minScore, f.face().face().score());
      float[] lm = f.face().face().landmarks();
      for (int i = 0; i < 10; i++) {
        layout[i] += lm[i] / (i % 2 == 0 ? f.width() : f.height());
      }
    }
    int n = detected;
    lines.add(String.format(Locale.ROOT, "images: %d embedded in %.0f s (%.1f img/s); %d with several faces embedded (nearest-centre chosen); "
        + "lowest chosen detector score %.3f", embeddings.size(), seconds, embeddings.size() / seconds, multi, minScore));
    lines.add("mean landmarks of chosen faces (fractions of width/height): " + Arrays.stream(layout)
        .mapToObj(v -> String.format(Locale.ROOT, "%.4f", n == 0 ? 0 : v / n)).collect(Collectors.joining(" ")));
    lines.add("no face detected in " + noFace.size() + " image(s): embedded from a centre crop aligned with LFW's mean "
        + "landmark layout" + (noFace.isEmpty() ? "" : ": " + noFace.stream().limit(20).map(p -> p.getFileName().toString())
        .collect(Collectors.joining(" ")) + (noFace.size() > 20 ? " ..." : "")));
    lines.add("pack " + pack.id() + ", detector input " + opts.detectorInputSize() + ", score >= " + opts.scoreThreshold()
        + ", NMS IoU " + opts.nmsIouThreshold() + ", flip " + opts.flip());
    return lines;
  }

  private static double[] scores(ImageEmbeddings e, List<FacePair> pairs) {
    return pairs.stream().mapToDouble(p -> e.cosine(p.first(), p.second())).toArray();
  }

  private static boolean[] labels(List<FacePair> pairs) {
    boolean[] same = new boolean[pairs.size()];
    for (int i = 0; i < same.length; i++) {
      same[i] = pairs.get(i).same();
    }
    return same;
  }

  private static void writeScores(Path csv, List<FacePair> pairs, double[] scores) throws IOException {
    List<String> lines = new ArrayList<>(pairs.size() + 1);
    lines.add("source,same,cosine,first,second");
    for (int i = 0; i < pairs.size(); i++) {
      FacePair p = pairs.get(i);
      lines.add(String.format(Locale.ROOT, "%s,%s,%.6f,%s,%s", p.source(), p.same(), scores[i],
          p.first().getFileName(), p.second().getFileName()));
    }
    Files.write(csv, lines, StandardCharsets.UTF_8);
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static String names(List<PairsFile> files) {
    return files.stream().map(f -> name(f.file())).collect(Collectors.joining(" + "));
  }
}

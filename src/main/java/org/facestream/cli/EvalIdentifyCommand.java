package org.facestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.facestream.eval.EmbeddingCache;
import org.facestream.eval.EvalAnalyzers;
import org.facestream.eval.FaceSelection;
import org.facestream.eval.IdentitySplit;
import org.facestream.eval.ImageDegradation;
import org.facestream.eval.ImageEmbeddings;
import org.facestream.eval.ImageFace;
import org.facestream.eval.RocPlot;
import org.facestream.eval.VerificationMetrics.RocPoint;
import org.facestream.config.VisionOptions;
import org.facestream.eval.OpenSetEvaluation;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.events.ImageFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facestream eval identify}: open-set identification (1:N with unknowns) through the production
 * {@code FaceAnalyzer} and the matcher's decision classes ({@link OpenSetEvaluation}). The last line of stdout
 * is machine-readable: {@code target_fpir=A adaptive_fpir=F adaptive_dir=D oracle_dir=O fixed_threshold=T
 * fixed_fpir=G fixed_dir=H} (means over seeds).
 */
@Command(name = "identify", mixinStandardHelpOptions = true,
    description = {"Open-set identification: per seed, identities split into gallery ~50% (enrolled from up to 3 images,"
        + " the rest are mated probes), cohort ~20% and unknown ~30% (non-mated probes); probes stream through the"
        + " adaptive FPIR threshold, the pack's fixed threshold and the oracle.",
        "Each image contributes its largest detected face; images without a face are failures to acquire (counted,"
            + " left out)."})
final class EvalIdentifyCommand implements Callable<Integer> {
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "pgm", "bmp", "webp");

  @Spec CommandSpec spec;

  @Option(names = "--root", required = true, paramLabel = "DIR", description = "Image root, one folder per identity.")
  Path root;

  @Option(names = "--dataset", paramLabel = "CSV", description = "Header 'path,identity', paths relative to --root (default: the folders).")
  Path dataset;

  @Option(names = "--target-fpir", required = true, paramLabel = "A", description = "Target FPIR of the adaptive policy.")
  double targetFpir;

  @Option(names = "--seeds", split = ",", paramLabel = "N", defaultValue = "1,2,3", description = "Split seeds (default ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--out", paramLabel = "DIR", description = "Write det.png, scores.csv and summary.txt here.")
  Path out;

  @Option(names = "--pack", paramLabel = "ID", defaultValue = "yunet-w600k-int8", description = "Model pack (default ${DEFAULT-VALUE}).")
  String pack;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: env FACESTREAM_MODELS).")
  Path models;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads, one analyzer each (default: cores).")
  Integer threads;

  @Option(names = "--cache", paramLabel = "FILE", description = "Keep embeddings in FILE and reuse them on the next run "
      + "(entries are re-embedded when an image or the analysis settings change).")
  Path cache;

  @Option(names = "--drift", paramLabel = "KIND:S", defaultValue = "none", description = "Degrade probe images from the "
      + "middle of each stream on: blur:SIGMA, dark:FACTOR, downscale:FACTOR or none (default ${DEFAULT-VALUE}); "
      + "each half's FPIR and DIR are reported for the adaptive and the fixed threshold.")
  String drift;

  @Option(names = "--flood", paramLabel = "N", defaultValue = "0", description = "From the middle of the stream a "
      + "camera sends N faces per regular probe, replaying the unknown identity most like the gallery (its faces feed "
      + "the estimator under the per-camera quota; they are left out of the rates) (default ${DEFAULT-VALUE}).")
  int flood;

  @Option(names = "--camera-quota", paramLabel = "F", description = "Per-camera quota of the estimator: a camera feeds at "
      + "most F times the median camera's share of a window bucket; 0 turns it off (default: the policy's, 2).")
  Double cameraQuota;

  @Option(names = "--cameras", paramLabel = "N", defaultValue = "4", description = "Regular cameras the probes are "
      + "dealt to, round-robin (default ${DEFAULT-VALUE}).")
  int cameras;

  @Override
  public Integer call() throws IOException {
    if (!(targetFpir > 0 && targetFpir <= 0.5)) {
      throw new IllegalArgumentException("expected --target-fpir in (0, 0.5], found " + targetFpir);
    }
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("expected --root to be a directory, found " + root);
    }
    ModelPack modelPack = ModelPacks.byId(pack);
    Path modelsDir = EvalOptions.modelsDir(models);
    Map<String, List<Path>> identities = dataset == null ? folders(root) : csv(dataset, root);
    List<Path> paths = identities.values().stream().flatMap(List::stream).toList();
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "pack=%s identities=%d images=%d threads=%d target_fpir=%s seeds=%s%n", modelPack.id(),
        identities.size(), paths.size(), workers, targetFpir, seeds);
    stdout.flush();
    ImageDegradation degradation = ImageDegradation.parse(drift);
    if (flood < 0 || cameras < 1) {
      throw new IllegalArgumentException("expected --flood >= 0 and --cameras >= 1, found " + flood + ", " + cameras);
    }
    VisionOptions options = VisionOptions.defaults(modelPack);
    long start = System.nanoTime();
    ImageEmbeddings embeddings = embed(paths, modelPack, modelsDir, options, workers, ImageDegradation.NONE);
    ImageEmbeddings drifted = degradation.kind() == ImageDegradation.Kind.NONE ? null
        : embed(paths, modelPack, modelsDir, options, workers, degradation);
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Path> noFace = embeddings.noFace();
    Set<Path> failed = Set.copyOf(noFace);
    Map<String, List<Path>> acquired = new TreeMap<>();
    identities.forEach((id, list) -> {
      List<Path> ok = list.stream().filter(p -> !failed.contains(p)).toList();
      if (!ok.isEmpty()) {
        acquired.put(id, ok);
      }
    });
    List<String> summary = new ArrayList<>();
    summary.add(String.format(Locale.ROOT, "embedded %d images in %.0f s (%.1f img/s), largest face per image",
        embeddings.size(), seconds, embeddings.size() / seconds));
    summary.add("failures to acquire (no face detected, left out): " + noFace.size() + " of " + paths.size()
        + (noFace.isEmpty() ? "" : ": " + String.join(" ", noFace.stream().limit(20).map(p -> rel(p)).toList())
        + (noFace.size() > 20 ? " ..." : "")));
    summary.forEach(stdout::println);

    double fixed = Double.parseDouble(Float.toString(modelPack.defaultCosineThreshold()));
    FpirPolicy policy = FpirPolicy.defaults("eval-identify", targetFpir);
    if (cameraQuota != null) {
      policy = policy.withCameraQuotaFactor(cameraQuota);
    }
    double[] sum = new double[6];
    double[] halves = new double[8];
    List<String> scoreRows = new ArrayList<>(List.of("seed,probe,mated,subject,best_subject,best_score"));
    List<RocPoint> det = null;
    int detImpostors = 0;
    int detGallery = 0;
    for (long seed : seeds) {
      IdentitySplit split = IdentitySplit.of(acquired, seed);
      Map<String, List<float[]>> gallery = new LinkedHashMap<>();
      split.enrolled().forEach((id, list) -> gallery.put(id, list.stream().map(p -> vector(embeddings, p)).toList()));
      List<float[][]> cohort = split.cohort().values().stream()
          .map(list -> list.stream().map(p -> vector(embeddings, p)).toArray(float[][]::new)).toList();
      List<OpenSetEvaluation.Probe> probes = new ArrayList<>();
      split.mated().forEach((id, list) -> list.forEach(p -> probes.add(probe(embeddings, drifted, p, id))));
      split.unknown().forEach((id, list) -> list.forEach(p -> probes.add(probe(embeddings, drifted, p, null))));
      int warmup = Math.min(1000, probes.size() / 5);
      int publishEvery = Math.max(1, Math.min(100, probes.size() / 50));
      List<OpenSetEvaluation.Probe> floodFaces = flood == 0 ? List.of() : lookAlike(split.unknown(), gallery, embeddings, drifted);
      OpenSetEvaluation.Report r = OpenSetEvaluation.runWithCohortIdentities(gallery, cohort, probes, policy, fixed,
          new OpenSetEvaluation.Stream(warmup, publishEvery, seed, cameras, floodFaces, flood));
      List<String> lines = new ArrayList<>();
      lines.add(String.format(Locale.ROOT, "seed %d: gallery %d subjects (%d templates), cohort %d identities (%d templates), "
          + "unknown %d; %d mated + %d non-mated probes after %d warm-up", seed, gallery.size(),
          gallery.values().stream().mapToInt(List::size).sum(), cohort.size(), cohort.stream().mapToInt(c -> c.length).sum(),
          split.unknown().size(), r.adaptive().mated(), r.adaptive().nonMated(), r.warmup()));
      for (OpenSetEvaluation.Rates rates : List.of(r.adaptive(), r.fixed(), r.oracle())) {
        lines.add(String.format(Locale.ROOT, "seed %d: %-13s threshold %.4f  FPIR %.4f  DIR@1 %.4f", seed,
            rates.policy(), rates.threshold(), rates.fpir(), rates.dirAtRank1()));
      }
      for (var half : List.of(Map.entry("first", r.firstHalf()), Map.entry("second", r.secondHalf()))) {
        OpenSetEvaluation.Halves h = half.getValue();
        lines.add(String.format(Locale.ROOT, "seed %d: %s half (drift %s, flood %d/probe): adaptive FPIR %.4f DIR %.4f | "
            + "fixed %.2f FPIR %.4f DIR %.4f | tuned on the first half %.4f FPIR %.4f DIR %.4f", seed, half.getKey(),
            degradation, flood, h.adaptive().fpir(), h.adaptive().dirAtRank1(), h.fixed().threshold(), h.fixed().fpir(),
            h.fixed().dirAtRank1(), h.tuned().threshold(), h.tuned().fpir(), h.tuned().dirAtRank1()));
      }
      if (r.floodFaces() > 0) {
        lines.add(String.format(Locale.ROOT, "seed %d: flood faces %d, accepted by the adaptive policy %d", seed,
            r.floodFaces(), r.floodAccepted()));
      }
      double[] perHalf = {r.firstHalf().adaptive().fpir(), r.firstHalf().tuned().fpir(), r.secondHalf().adaptive().fpir(),
          r.secondHalf().tuned().fpir(), r.secondHalf().adaptive().dirAtRank1(), r.secondHalf().tuned().dirAtRank1(),
          r.secondHalf().fixed().fpir(), r.secondHalf().fixed().dirAtRank1()};
      for (int i = 0; i < perHalf.length; i++) {
        halves[i] += perHalf[i];
      }
      double listFrom = Math.min(fixed, r.adaptive().threshold());
      r.topNonMated().stream().filter(h -> h.score() >= listFrom).forEach(h -> lines.add(String.format(Locale.ROOT,
          "seed %d: non-mated above threshold: %s -> %s cosine %.4f (check the labels)", seed, h.label(), h.bestSubjectId(),
          h.score())));
      lines.forEach(stdout::println);
      stdout.flush();
      summary.addAll(lines);
      sum[0] += r.adaptive().fpir();
      sum[1] += r.adaptive().dirAtRank1();
      sum[2] += r.oracle().dirAtRank1();
      sum[3] += r.fixed().fpir();
      sum[4] += r.fixed().dirAtRank1();
      // offline scores of the same split (no stream order needed): best subject by max over its templates
      List<double[]> matedScores = new ArrayList<>();
      List<Double> nonMated = new ArrayList<>();
      for (OpenSetEvaluation.Probe p : probes) {
        String bestId = null;
        double best = Double.NEGATIVE_INFINITY;
        for (var e : gallery.entrySet()) {
          for (float[] t : e.getValue()) {
            double c = cosine(p.embedding(), t);
            if (c > best) {
              best = c;
              bestId = e.getKey();
            }
          }
        }
        scoreRows.add(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%.6f", seed, p.label(), p.subjectId() != null,
            p.subjectId() == null ? "" : p.subjectId(), bestId, best));
        if (p.subjectId() != null) {
          matedScores.add(new double[] {best, p.subjectId().equals(bestId) ? 1 : 0});
        } else {
          nonMated.add(best);
        }
      }
      if (det == null) {
        det = det(matedScores, nonMated);
        detImpostors = nonMated.size();
        detGallery = gallery.size();
      }
    }
    int n = seeds.size();
    String halvesLine = String.format(Locale.ROOT, "halves: drift=%s flood=%d first_adaptive_fpir=%.4f first_tuned_fpir=%.4f "
        + "second_adaptive_fpir=%.4f second_tuned_fpir=%.4f second_adaptive_dir=%.4f second_tuned_dir=%.4f "
        + "second_fixed_fpir=%.4f second_fixed_dir=%.4f", degradation, flood, halves[0] / n, halves[1] / n, halves[2] / n,
        halves[3] / n, halves[4] / n, halves[5] / n, halves[6] / n, halves[7] / n);
    stdout.println(halvesLine);
    summary.add(halvesLine);
    String last = String.format(Locale.ROOT, "target_fpir=%s adaptive_fpir=%.4f adaptive_dir=%.4f oracle_dir=%.4f "
        + "fixed_threshold=%.4f fixed_fpir=%.4f fixed_dir=%.4f", targetFpir, sum[0] / n, sum[1] / n, sum[2] / n, fixed,
        sum[3] / n, sum[4] / n);
    if (out != null) {
      Files.createDirectories(out);
      summary.add(last);
      Files.write(out.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
      Files.write(out.resolve("scores.csv"), scoreRows, StandardCharsets.UTF_8);
      RocPlot.write(det, detImpostors, String.format(Locale.ROOT, "%s open-set, %s, seed %d: FAR axis = FPIR, FRR axis = FNIR\n"
          + "%d gallery subjects, rank-1 DIR counted as accept; fixed threshold %.2f", modelPack.id(), root.getFileName(),
          seeds.get(0), detGallery, fixed), out.resolve("det.png"));
      stdout.println("wrote " + out.resolve("det.png") + ", scores.csv, summary.txt");
    }
    stdout.println(last);
    stdout.flush();
    return 0;
  }

  private ImageEmbeddings embed(List<Path> paths, ModelPack modelPack, Path modelsDir, VisionOptions options, int workers,
      ImageDegradation degradation) {
    String settings = modelPack.id() + " " + options + " rule=" + FaceSelection.Rule.LARGEST + " degradation=" + degradation;
    Path file = cache == null ? null : degradation.kind() == ImageDegradation.Kind.NONE ? cache
        : cache.resolveSibling(cache.getFileName() + "." + degradation.toString().replace(':', '-'));
    EmbeddingCache c = file == null ? null : EmbeddingCache.open(file, settings, System.err);
    if (degradation.kind() != ImageDegradation.Kind.NONE) {
      System.err.println("embedding the probes again, degraded by " + degradation + " (drift)");
    }
    ImageEmbeddings e = ImageEmbeddings.compute(paths, () -> EvalAnalyzers.open(modelPack, modelsDir, options, false),
        workers, System.err, FaceSelection.Rule.LARGEST, degradation, c);
    if (c != null) {
      c.save();
    }
    return e;
  }

  private OpenSetEvaluation.Probe probe(ImageEmbeddings clean, ImageEmbeddings drifted, Path image, String subject) {
    ImageFace face = clean.face(image);
    // a degraded image whose face is lost keeps its clean embedding: drift cannot invent a detection
    float[] degraded = drifted == null || drifted.face(image).fallback() ? null : drifted.face(image).face().embedding();
    return new OpenSetEvaluation.Probe(face.face().embedding(), subject, rel(image), face.face().quality(), degraded);
  }

  /** Faces of the unknown identity whose best image scores highest against the gallery: the worst flood. */
  private List<OpenSetEvaluation.Probe> lookAlike(Map<String, List<Path>> unknown, Map<String, List<float[]>> gallery,
      ImageEmbeddings clean, ImageEmbeddings drifted) {
    String worst = null;
    double worstScore = Double.NEGATIVE_INFINITY;
    for (var e : unknown.entrySet()) {
      for (Path p : e.getValue()) {
        float[] v = vector(clean, p);
        for (List<float[]> templates : gallery.values()) {
          for (float[] t : templates) {
            double c = cosine(v, t);
            if (c > worstScore) {
              worstScore = c;
              worst = e.getKey();
            }
          }
        }
      }
    }
    return unknown.get(worst).stream().map(p -> probe(clean, drifted, p, null)).toList();
  }

  /** Operating points from highest threshold down: FPIR as "far", DIR at rank 1 as "tar". */
  static List<RocPoint> det(List<double[]> mated, List<Double> nonMated) {
    double[] thresholds = Stream.concat(mated.stream().map(m -> m[0]), nonMated.stream())
        .mapToDouble(Double::doubleValue).distinct().sorted().toArray();
    List<RocPoint> points = new ArrayList<>();
    points.add(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
    for (int i = thresholds.length - 1; i >= 0; i--) {
      double t = thresholds[i];
      double fp = nonMated.stream().filter(s -> s >= t).count();
      double hits = mated.stream().filter(m -> m[1] == 1 && m[0] >= t).count();
      points.add(new RocPoint(t, nonMated.isEmpty() ? 0 : fp / nonMated.size(), mated.isEmpty() ? 0 : hits / mated.size()));
    }
    return points;
  }

  private String rel(Path p) {
    return root.relativize(p).toString();
  }

  private static float[] vector(ImageEmbeddings e, Path p) {
    return e.face(p).face().embedding();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** One identity per sub-folder of {@code root}; image files by extension, sorted. */
  static Map<String, List<Path>> folders(Path root) throws IOException {
    Map<String, List<Path>> out = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          List<Path> images = files.filter(f -> Files.isRegularFile(f) && isImage(f)).sorted().toList();
          if (!images.isEmpty()) {
            out.put(dir.getFileName().toString(), images);
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("expected identity folders with images under " + root + ", found none");
    }
    return out;
  }

  /** Identities from a {@code path,identity} CSV, paths relative to {@code root}. */
  static Map<String, List<Path>> csv(Path csv, Path root) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).strip().equalsIgnoreCase("path,identity")) {
      throw new IllegalArgumentException(csv.getFileName() + " line 1: expected header 'path,identity', found '"
          + (lines.isEmpty() ? "" : lines.get(0).strip()) + "'");
    }
    Map<String, List<Path>> out = new TreeMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      int comma = line.lastIndexOf(',');
      if (comma <= 0 || comma == line.length() - 1) {
        throw new IllegalArgumentException(csv.getFileName() + " line " + (i + 1) + ": expected 'path,identity', found '" + line + "'");
      }
      Path image = root.resolve(line.substring(0, comma).strip());
      if (!Files.isRegularFile(image)) {
        throw new IllegalArgumentException(csv.getFileName() + " line " + (i + 1) + ": expected an image file, found no file " + image);
      }
      out.computeIfAbsent(line.substring(comma + 1).strip(), k -> new ArrayList<>()).add(image);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(csv.getFileName() + ": expected at least one row, found none");
    }
    return out;
  }

  private static boolean isImage(Path f) {
    return ImageFormats.hasExtension(f, IMAGE_EXTENSIONS);
  }
}

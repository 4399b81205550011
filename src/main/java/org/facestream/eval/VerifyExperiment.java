package org.facestream.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.facestream.config.VisionOptions;
import org.facestream.model.ModelPack;

/**
 * The verification experiment behind {@code facestream eval verify}: every image of the pairs files is
 * embedded once through the production analyzer, then the pairs' cosines are measured under one of the LFW
 * protocols ({@link VerificationEvaluation}): a train file's threshold applied to the test pairs, a View 2
 * file's own folds, or seeded k-fold cross-validation. Lines go to standard output; the last one is
 * machine-readable ({@code accuracy=... std=... tar@far=1e-3:... no_face=N}).
 */
public final class VerifyExperiment {
    private VerifyExperiment() {}

    /**
     * What to run; named after the options of {@code eval verify}, and its messages name them too.
     *
     * @param pairs pairs files measured (View 1 or View 2 format)
     * @param images image root: {@code <Name>/<Name>_<NNNN>.jpg}
     * @param train a pairs file to choose the threshold on; empty for cross-validation
     * @param folds folds of the seeded cross-validation; empty for 10, or a single View 2 file's own folds
     * @param seed seed of the fold split
     * @param vision detector input size and flip of the analysis
     * @param nearestFaceOnly embed only the face nearest the image centre instead of every face of the image
     * @param threads analyzer threads
     * @param out where {@code roc-det.png}, {@code scores.csv} and {@code summary.txt} are written; empty for nowhere
     */
    public record Options(
            List<Path> pairs,
            Path images,
            Optional<Path> train,
            OptionalInt folds,
            long seed,
            ModelPack pack,
            Path modelsDir,
            VisionOptions vision,
            boolean nearestFaceOnly,
            int threads,
            Optional<Path> out) {
        public Options {
            if (train.isPresent() && folds.isPresent()) {
                throw new IllegalArgumentException(
                        "expected either --train (train/test) or --folds (cross-validation), found both");
            }
            pairs = List.copyOf(pairs);
        }
    }

    /** Runs the experiment, writing the report to {@code out} and the embedding progress to {@code progress}. */
    public static VerificationReport run(Options o, PrintWriter out, PrintStream progress) throws IOException {
        List<PairsFile> files = new ArrayList<>();
        for (Path p : o.pairs()) {
            files.add(PairsFile.read(p, o.images()));
        }
        PairsFile trainFile = o.train().isPresent() ? PairsFile.read(o.train().get(), o.images()) : null;
        List<FacePair> test = files.stream().flatMap(f -> f.pairs().stream()).toList();
        List<FacePair> all = new ArrayList<>(test);
        if (trainFile != null) {
            all.addAll(trainFile.pairs());
        }
        List<Path> paths =
                all.stream().flatMap(p -> Stream.of(p.first(), p.second())).toList();
        VisionOptions vision = o.vision();
        out.printf(
                Locale.ROOT,
                "pack=%s detector-size=%d flip=%s nearest-face-only=%s threads=%d pairs=%d images=%d%n",
                o.pack().id(),
                vision.detectorInputSize(),
                vision.flip(),
                o.nearestFaceOnly(),
                o.threads(),
                all.size(),
                paths.stream().distinct().count());
        long start = System.nanoTime();
        ImageEmbeddings embeddings = ImageEmbeddings.compute(
                paths,
                () -> EvalAnalyzers.open(o.pack(), o.modelsDir(), vision, o.nearestFaceOnly()),
                o.threads(),
                progress);
        double seconds = (System.nanoTime() - start) / 1e9;

        double[] scores = scores(embeddings, test);
        boolean[] same = labels(test);
        VerificationReport report;
        if (trainFile != null) {
            report = VerificationEvaluation.trainTest(
                    "threshold from " + name(o.train().get()) + ", accuracy on " + names(files),
                    scores(embeddings, trainFile.pairs()),
                    labels(trainFile.pairs()),
                    scores,
                    same);
        } else if (o.folds().isEmpty()
                && files.size() == 1
                && files.get(0).view() == 2
                && files.get(0).folds() > 1) {
            int[] fold = test.stream().mapToInt(FacePair::fold).toArray();
            report = VerificationEvaluation.crossValidate(
                    files.get(0).folds() + " folds of " + names(files), scores, same, fold);
        } else {
            int k = o.folds().orElse(10);
            report = VerificationEvaluation.crossValidate(
                    "seeded " + k + "-fold cross-validation (seed " + o.seed() + ") over " + names(files),
                    scores,
                    same,
                    Folds.assign(same, k, o.seed()));
        }
        List<Path> noFace = embeddings.noFace();
        List<String> summary = summary(o, report, embeddings, noFace, seconds);
        summary.forEach(out::println);
        if (o.out().isPresent()) {
            Path dir = o.out().get();
            Files.createDirectories(dir);
            Files.write(dir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
            writeScores(dir.resolve("scores.csv"), test, scores);
            long impostors = test.stream().filter(p -> !p.same()).count();
            RocPlot.write(
                    report.roc(),
                    (int) impostors,
                    String.format(
                            Locale.ROOT,
                            "%s%s, detector %d px: accuracy %.4f, " + "TAR@FAR=1e-3 %.4f\n%s",
                            o.pack().id(),
                            vision.flip() ? " + flip" : "",
                            vision.detectorInputSize(),
                            report.meanAccuracy(),
                            report.tarAtFar1e3(),
                            report.protocol()),
                    dir.resolve("roc-det.png"));
            out.println("wrote " + dir.resolve("roc-det.png") + ", scores.csv, summary.txt");
        }
        out.printf(
                Locale.ROOT,
                "accuracy=%.4f std=%.4f tar@far=1e-3:%.4f no_face=%d%n",
                report.meanAccuracy(),
                report.stdAccuracy(),
                report.tarAtFar1e3(),
                noFace.size());
        out.flush();
        return report;
    }

    private static List<String> summary(
            Options o, VerificationReport r, ImageEmbeddings embeddings, List<Path> noFace, double seconds) {
        List<String> lines = new ArrayList<>();
        lines.add("protocol: " + r.protocol() + ", " + r.pairs() + " pairs measured");
        lines.add("fold accuracies: "
                + Arrays.stream(r.foldAccuracies())
                        .mapToObj(a -> String.format(Locale.ROOT, "%.4f", a))
                        .collect(Collectors.joining(" ")));
        lines.add("fold thresholds (cosine): "
                + Arrays.stream(r.foldThresholds())
                        .mapToObj(t -> String.format(Locale.ROOT, "%.4f", t))
                        .collect(Collectors.joining(" ")));
        lines.add(String.format(
                Locale.ROOT, "accuracy %.4f +- %.4f (population std over folds)", r.meanAccuracy(), r.stdAccuracy()));
        lines.add(String.format(
                Locale.ROOT,
                "TAR@FAR=1e-3 %.4f  TAR@FAR=1e-2 %.4f (over all measured pairs)",
                r.tarAtFar1e3(),
                r.tarAtFar1e2()));
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
        lines.add(String.format(
                Locale.ROOT,
                "images: %d embedded in %.0f s (%.1f img/s); %d with several faces embedded (nearest-centre chosen); "
                        + "lowest chosen detector score %.3f",
                embeddings.size(),
                seconds,
                embeddings.size() / seconds,
                multi,
                minScore));
        lines.add("mean landmarks of chosen faces (fractions of width/height): "
                + Arrays.stream(layout)
                        .mapToObj(v -> String.format(Locale.ROOT, "%.4f", n == 0 ? 0 : v / n))
                        .collect(Collectors.joining(" ")));
        lines.add("no face detected in " + noFace.size()
                + " image(s): embedded from a centre crop aligned with LFW's mean "
                + "landmark layout"
                + (noFace.isEmpty()
                        ? ""
                        : ": "
                                + noFace.stream()
                                        .limit(20)
                                        .map(p -> p.getFileName().toString())
                                        .collect(Collectors.joining(" "))
                                + (noFace.size() > 20 ? " ..." : "")));
        VisionOptions v = o.vision();
        lines.add("pack " + o.pack().id() + ", detector input " + v.detectorInputSize() + ", score >= "
                + v.scoreThreshold() + ", NMS IoU " + v.nmsIouThreshold() + ", flip " + v.flip());
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
            lines.add(String.format(
                    Locale.ROOT,
                    "%s,%s,%.6f,%s,%s",
                    p.source(),
                    p.same(),
                    scores[i],
                    p.first().getFileName(),
                    p.second().getFileName()));
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

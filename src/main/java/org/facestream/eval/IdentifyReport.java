package org.facestream.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.facestream.eval.IdentifyExperiment.Options;
import org.facestream.eval.IdentifyExperiment.ProbeScore;
import org.facestream.eval.IdentifyExperiment.Result;
import org.facestream.eval.IdentifyExperiment.SeedResult;
import org.facestream.eval.VerificationMetrics.RocPoint;

/**
 * The report of an {@link IdentifyExperiment}: lines to standard output as the run goes (scripts and tests
 * parse {@code seed N: ...}, {@code halves: ...} and the last line), and with an output folder the same lines
 * in {@code summary.txt}, every probe's offline score in {@code scores.csv} and the first seed's DET curve
 * (FPIR as FAR, DIR at rank 1 as TAR) in {@code det.png}. Not thread-safe; one per run.
 */
final class IdentifyReport {
    private final Options options;
    private final PrintWriter out;
    private final List<String> summary = new ArrayList<>();
    private final List<String> scoreRows = new ArrayList<>(List.of("seed,probe,mated,subject,best_subject,best_score"));

    IdentifyReport(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    void header(int identities, int images) {
        out.printf(
                Locale.ROOT,
                "pack=%s identities=%d images=%d threads=%d target_fpir=%s seeds=%s%n",
                options.pack().id(),
                identities,
                images,
                options.threads(),
                options.targetFpir(),
                options.seeds());
        out.flush();
    }

    void embedded(ImageEmbeddings embeddings, int images, double seconds) {
        List<Path> noFace = embeddings.noFace();
        List<String> lines = List.of(
                String.format(
                        Locale.ROOT,
                        "embedded %d images in %.0f s (%.1f img/s), largest face per image",
                        embeddings.size(),
                        seconds,
                        embeddings.size() / seconds),
                "failures to acquire (no face detected, left out): " + noFace.size() + " of " + images
                        + (noFace.isEmpty()
                                ? ""
                                : ": "
                                        + String.join(
                                                " ",
                                                noFace.stream()
                                                        .limit(20)
                                                        .map(this::relative)
                                                        .toList()) + (noFace.size() > 20 ? " ..." : "")));
        lines.forEach(out::println);
        summary.addAll(lines);
    }

    void seed(SeedResult s, double fixed) {
        long seed = s.seed();
        OpenSetEvaluation.Report r = s.report();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: gallery %d subjects (%d templates), cohort %d identities (%d templates), "
                        + "unknown %d; %d mated + %d non-mated probes after %d warm-up",
                seed,
                s.gallerySubjects(),
                s.galleryTemplates(),
                s.cohortIdentities(),
                s.cohortTemplates(),
                s.unknownIdentities(),
                r.adaptive().mated(),
                r.adaptive().nonMated(),
                r.warmup()));
        for (OpenSetEvaluation.Rates rates : List.of(r.adaptive(), r.fixed(), r.oracle())) {
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: %-13s threshold %.4f  FPIR %.4f  DIR@1 %.4f",
                    seed,
                    rates.policy(),
                    rates.threshold(),
                    rates.fpir(),
                    rates.dirAtRank1()));
        }
        for (var half : List.of(Map.entry("first", r.firstHalf()), Map.entry("second", r.secondHalf()))) {
            OpenSetEvaluation.Halves h = half.getValue();
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: %s half (drift %s, flood %d/probe): adaptive FPIR %.4f DIR %.4f | "
                            + "fixed %.2f FPIR %.4f DIR %.4f | tuned on the first half %.4f FPIR %.4f DIR %.4f",
                    seed,
                    half.getKey(),
                    options.drift(),
                    options.flood(),
                    h.adaptive().fpir(),
                    h.adaptive().dirAtRank1(),
                    h.fixed().threshold(),
                    h.fixed().fpir(),
                    h.fixed().dirAtRank1(),
                    h.tuned().threshold(),
                    h.tuned().fpir(),
                    h.tuned().dirAtRank1()));
        }
        if (r.floodFaces() > 0) {
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: flood faces %d, accepted by the adaptive policy %d",
                    seed,
                    r.floodFaces(),
                    r.floodAccepted()));
        }
        double listFrom = Math.min(fixed, r.adaptive().threshold());
        r.topNonMated().stream()
                .filter(h -> h.score() >= listFrom)
                .forEach(h -> lines.add(String.format(
                        Locale.ROOT,
                        "seed %d: non-mated above threshold: %s -> %s cosine %.4f (check the labels)",
                        seed,
                        h.label(),
                        h.bestSubjectId(),
                        h.score())));
        lines.forEach(out::println);
        out.flush();
        summary.addAll(lines);
        for (ProbeScore p : s.scores()) {
            scoreRows.add(String.format(
                    Locale.ROOT,
                    "%d,%s,%s,%s,%s,%.6f",
                    seed,
                    p.label(),
                    p.mated(),
                    p.mated() ? p.subjectId() : "",
                    p.bestSubjectId(),
                    p.bestScore()));
        }
    }

    /** The means over seeds, the files, and the machine-readable last line. */
    void finish(Result result) throws IOException {
        List<SeedResult> seeds = result.seeds();
        String halves = String.format(
                Locale.ROOT,
                "halves: drift=%s flood=%d first_adaptive_fpir=%.4f first_tuned_fpir=%.4f "
                        + "second_adaptive_fpir=%.4f second_tuned_fpir=%.4f second_adaptive_dir=%.4f second_tuned_dir=%.4f "
                        + "second_fixed_fpir=%.4f second_fixed_dir=%.4f",
                options.drift(),
                options.flood(),
                mean(seeds, s -> s.report().firstHalf().adaptive().fpir()),
                mean(seeds, s -> s.report().firstHalf().tuned().fpir()),
                mean(seeds, s -> s.report().secondHalf().adaptive().fpir()),
                mean(seeds, s -> s.report().secondHalf().tuned().fpir()),
                mean(seeds, s -> s.report().secondHalf().adaptive().dirAtRank1()),
                mean(seeds, s -> s.report().secondHalf().tuned().dirAtRank1()),
                mean(seeds, s -> s.report().secondHalf().fixed().fpir()),
                mean(seeds, s -> s.report().secondHalf().fixed().dirAtRank1()));
        out.println(halves);
        summary.add(halves);
        String last = String.format(
                Locale.ROOT,
                "target_fpir=%s adaptive_fpir=%.4f adaptive_dir=%.4f oracle_dir=%.4f "
                        + "fixed_threshold=%.4f fixed_fpir=%.4f fixed_dir=%.4f",
                options.targetFpir(),
                mean(seeds, s -> s.report().adaptive().fpir()),
                mean(seeds, s -> s.report().adaptive().dirAtRank1()),
                mean(seeds, s -> s.report().oracle().dirAtRank1()),
                result.fixedThreshold(),
                mean(seeds, s -> s.report().fixed().fpir()),
                mean(seeds, s -> s.report().fixed().dirAtRank1()));
        if (options.out().isPresent()) {
            Path dir = options.out().get();
            Files.createDirectories(dir);
            summary.add(last);
            Files.write(dir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
            Files.write(dir.resolve("scores.csv"), scoreRows, StandardCharsets.UTF_8);
            writeDet(seeds.get(0), result.fixedThreshold(), dir.resolve("det.png"));
            out.println("wrote " + dir.resolve("det.png") + ", scores.csv, summary.txt");
        }
        out.println(last);
        out.flush();
    }

    /**
     * The DET of one seed's offline scores: a mated probe is accepted when its best subject is its own and
     * scores at least the threshold; one whose best subject is someone else is a miss at every threshold.
     */
    private void writeDet(SeedResult s, double fixed, Path png) {
        List<ProbeScore> acceptable = s.scores().stream()
                .filter(p -> !p.mated() || p.subjectId().equals(p.bestSubjectId()))
                .toList();
        double[] scores = acceptable.stream().mapToDouble(ProbeScore::bestScore).toArray();
        boolean[] mated = new boolean[scores.length];
        for (int i = 0; i < mated.length; i++) {
            mated[i] = acceptable.get(i).mated();
        }
        int missed = s.scores().size() - acceptable.size();
        int impostors = (int) s.scores().stream().filter(p -> !p.mated()).count();
        List<RocPoint> det = VerificationMetrics.roc(scores, mated, missed);
        RocPlot.write(
                det,
                impostors,
                String.format(
                        Locale.ROOT,
                        "%s open-set, %s, seed %d: FAR axis = FPIR, FRR axis = FNIR\n"
                                + "%d gallery subjects, rank-1 DIR counted as accept; fixed threshold %.2f",
                        options.pack().id(),
                        options.root().getFileName(),
                        s.seed(),
                        s.gallerySubjects(),
                        fixed),
                png);
    }

    /** The mean over seeds, summed in seed order as the report always has (the last digit is printed). */
    private static double mean(List<SeedResult> seeds, ToDoubleFunction<SeedResult> value) {
        double sum = 0;
        for (SeedResult s : seeds) {
            sum += value.applyAsDouble(s);
        }
        return sum / seeds.size();
    }

    private String relative(Path p) {
        return options.root().relativize(p).toString();
    }
}

package org.facestream.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.facestream.eval.IdentifyExperiment.Options;
import org.facestream.eval.IdentifyExperiment.ProbeScore;
import org.facestream.eval.IdentifyExperiment.Result;
import org.facestream.eval.IdentifyExperiment.SeedResult;
import org.facestream.eval.VerificationMetrics.RocPoint;
import org.facestream.events.ThresholdState;
import org.facestream.match.threshold.FpirPolicy;

/**
 * The report of an {@link IdentifyExperiment}: lines to standard output as the run goes (scripts and tests
 * parse {@code seed N: ...}, {@code halves: ...} and the last line), and with an output folder the same lines
 * in {@code summary.txt}, every probe's offline score in {@code scores.csv}, the first seed's DET curve
 * (FPIR as FAR, DIR at rank 1 as TAR) in {@code det.png} and each seed's threshold trajectory in {@code
 * trajectory-seed<N>.csv} and {@code .png}. Per seed, after the adaptive, fixed and oracle lines: the judgement
 * against the target band, the stranger FPIR (same-person hits left out, cut-off named), the best constant at
 * equal FPIR, the trajectory, the tail's composition and the cohort's hygiene flags. Not thread-safe; one per
 * run.
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
        lines.addAll(honesty(s));
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

    /**
     * The lines that say what the adaptive threshold did: the judgement against the target band, FPIR without the
     * same-person hits, the best constant at the same false alarms, the trajectory, the tail's owners and the
     * cohort's hygiene flags; with an output folder also the trajectory's CSV and PNG.
     */
    private List<String> honesty(SeedResult s) {
        long seed = s.seed();
        OpenSetEvaluation.Report r = s.report();
        OpenSetEvaluation.Honesty h = r.honesty();
        List<String> lines = new ArrayList<>();
        double ratio = r.adaptive().fpir() / options.targetFpir();
        double dirGap = r.adaptive().dirAtRank1() - r.oracle().dirAtRank1();
        boolean pass = ratio >= 0.5 && ratio <= 2 && dirGap >= -0.02;
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: judged: FPIR %.2fx the target (band 0.5x-2x), DIR@1 %+.4f against the oracle (band >= -0.02): %s"
                        + " (%d false alarms in %d non-mated probes)",
                seed,
                ratio,
                dirGap,
                pass ? "pass" : "FAIL",
                Math.round(r.adaptive().fpir() * r.adaptive().nonMated()),
                r.adaptive().nonMated()));
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: stranger-fpir (best < %.2f) %.4f over %d probes; same-person hits %d (listed below)",
                seed,
                h.samePersonCosine(),
                h.stranger().fpir(),
                h.stranger().nonMated(),
                h.samePersonHits().size()));
        OpenSetEvaluation.Rates so = h.strangerOracle();
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: stranger-oracle threshold %.4f  FPIR %.4f  DIR@1 %.4f (the oracle with the same-person hits"
                        + " left out)",
                seed,
                so.threshold(),
                so.fpir(),
                so.dirAtRank1()));
        OpenSetEvaluation.Rates c = h.constantAtEqualFpir();
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: constant at equal FPIR (best DIR@1 with at most the adaptive's false alarms, in hindsight)"
                        + " threshold %.4f  FPIR %.4f  DIR@1 %.4f; adaptive DIR@1 %+.4f",
                seed,
                c.threshold(),
                c.fpir(),
                c.dirAtRank1(),
                r.adaptive().dirAtRank1() - c.dirAtRank1()));
        OpenSetEvaluation.Rates cs = h.constantAtEqualStrangerFpir();
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: constant at equal stranger FPIR (same-person hits left out) threshold %.4f  FPIR %.4f"
                        + "  DIR@1 %.4f; adaptive DIR@1 %+.4f",
                seed,
                cs.threshold(),
                cs.fpir(),
                cs.dirAtRank1(),
                r.adaptive().dirAtRank1() - cs.dirAtRank1()));
        List<OpenSetEvaluation.Publication> t = h.trajectory();
        if (!t.isEmpty()) {
            OpenSetEvaluation.Publication max = t.stream()
                    .max(Comparator.comparingDouble(p -> p.state().value()))
                    .orElseThrow();
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: trajectory: %d publications, first %.4f (probe %d), highest %.4f (probe %d), last %.4f;"
                            + " capped identities at most %d, list exhausted in %d publications",
                    seed,
                    t.size(),
                    t.get(0).state().value(),
                    t.get(0).probe(),
                    max.state().value(),
                    max.probe(),
                    t.get(t.size() - 1).state().value(),
                    t.stream()
                            .mapToInt(p -> p.state().tail() == null
                                    ? 0
                                    : p.state().tail().cappedIdentities())
                            .max()
                            .orElse(0),
                    t.stream()
                            .filter(p ->
                                    p.state().tail() != null && p.state().tail().listExhausted())
                            .count()));
        }
        OpenSetEvaluation.TailComposition tail = h.tail();
        if (!Double.isNaN(tail.level())) {
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: tail above the level %.4f: %d scores (%d unlisted); cohort identities: %s; probes: %s",
                    seed,
                    tail.level(),
                    tail.scores(),
                    tail.unlisted(),
                    owners(tail.cohort()),
                    owners(tail.probes())));
        }
        lines.add(String.format(
                Locale.ROOT,
                "seed %d: cohort hygiene (cosine >= %.2f against a gallery template): %d of %d identities flagged%s",
                seed,
                FpirPolicy.Contamination.defaults().hygieneCosine(),
                h.flags().size(),
                s.cohortIdentities(),
                h.flags().isEmpty()
                        ? ""
                        : ": "
                                + String.join(
                                        ", ",
                                        h.flags().stream()
                                                .map(f -> String.format(
                                                        Locale.ROOT,
                                                        "%s ~ %s %.3f",
                                                        f.name(),
                                                        f.subjectId(),
                                                        f.cosine()))
                                                .toList())));
        h.samePersonHits()
                .forEach(hit -> lines.add(String.format(
                        Locale.ROOT,
                        "seed %d: same-person hit: %s -> %s cosine %.4f (best >= %.2f: left out of the stranger FPIR)",
                        seed,
                        hit.label(),
                        hit.bestSubjectId(),
                        hit.score(),
                        h.samePersonCosine())));
        if (options.out().isPresent() && !t.isEmpty()) {
            writeTrajectory(s, options.out().get());
            lines.add(String.format(
                    Locale.ROOT,
                    "seed %d: wrote trajectory-seed%d.csv and trajectory-seed%d.png (threshold against probe index)",
                    seed,
                    seed,
                    seed));
        }
        return lines;
    }

    private static String owners(List<Map.Entry<String, Long>> owners) {
        return owners.isEmpty()
                ? "none"
                : String.join(
                        ", ",
                        owners.stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .toList());
    }

    /** {@code trajectory-seed<N>.csv} (the replay's columns) and {@code .png}. */
    private void writeTrajectory(SeedResult s, Path dir) {
        OpenSetEvaluation.Report r = s.report();
        List<String> rows = new ArrayList<>(
                List.of("seed,probe,threshold,raw,method,capped_identities,capped_scores,samples,excluded_identities,"
                        + "same_person_exclusions,list_exhausted"));
        List<TrajectoryPlot.Point> points = new ArrayList<>();
        for (OpenSetEvaluation.Publication p : r.honesty().trajectory()) {
            ThresholdState st = p.state();
            ThresholdState.TailAudit a = st.tail();
            rows.add(String.format(
                    Locale.ROOT,
                    "%d,%d,%.5f,%.5f,%s,%d,%d,%d,%d,%d,%b",
                    s.seed(),
                    p.probe(),
                    st.value(),
                    st.rawValue(),
                    st.method(),
                    a == null ? 0 : a.cappedIdentities(),
                    a == null ? 0 : a.cappedScores(),
                    st.samples(),
                    a == null ? 0 : a.excludedIdentities(),
                    a == null ? 0 : a.samePersonExclusions(),
                    a != null && a.listExhausted()));
            points.add(new TrajectoryPlot.Point(p.probe(), st.value(), st.rawValue()));
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("trajectory-seed" + s.seed() + ".csv"), rows, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EvaluationException("expected a writable " + dir + ", found " + e, e);
        }
        long probes = r.adaptive().mated() + r.adaptive().nonMated() + r.warmup();
        TrajectoryPlot.write(
                points,
                (int) probes,
                r.oracle().threshold(),
                r.fixed().threshold(),
                String.format(
                        Locale.ROOT,
                        "%s, seed %d: adaptive FPIR threshold at target %s\n"
                                + "final %.4f, FPIR %.4f, DIR@1 %.4f; oracle %.4f (DIR@1 %.4f); fixed %.2f",
                        options.dataset()
                                .map(d -> d.getFileName().toString())
                                .orElse(options.root().getFileName().toString()),
                        s.seed(),
                        options.targetFpir(),
                        r.adaptive().threshold(),
                        r.adaptive().fpir(),
                        r.adaptive().dirAtRank1(),
                        r.oracle().threshold(),
                        r.oracle().dirAtRank1(),
                        r.fixed().threshold()),
                dir.resolve("trajectory-seed" + s.seed() + ".png"));
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

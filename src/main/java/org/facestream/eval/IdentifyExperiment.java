package org.facestream.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.facestream.config.VisionOptions;
import org.facestream.embed.Embedding;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.model.ModelPack;

/**
 * The open-set identification experiment behind {@code facestream eval identify}: every image of a labelled
 * set is embedded once through the production analyzer (largest face per image); then per seed the
 * identities are split ({@link IdentitySplit}) and the probes stream through {@link OpenSetEvaluation} (the
 * adaptive FPIR threshold, the pack's fixed threshold and the oracle). Each seed is reported on its own, as
 * it finishes; the means over seeds close the report ({@link IdentifyReport} writes the lines).
 */
public final class IdentifyExperiment {
    private IdentifyExperiment() {}

    /**
     * What to run; named after the options of {@code eval identify}, and its messages name them too.
     *
     * @param root image root, one sub-folder per identity unless {@code dataset} is given
     * @param dataset a {@code path,identity} CSV, paths relative to {@code root}; empty for the folders
     * @param targetFpir α of the adaptive policy, in (0, 0.5]
     * @param seeds split seeds, each reported separately
     * @param threads analyzer threads
     * @param cache file of embeddings reused across runs; empty for none
     * @param drift how probe images from the middle of each stream on are degraded
     * @param flood faces a flooding camera sends per regular probe from the middle on, 0 for none
     * @param cameraQuota the estimator's per-camera quota factor; empty for the policy's
     * @param cameras regular cameras the probes are dealt to
     * @param cohortSize deal the cohort again with this many identities, keeping {@code unknownSize} unknown people
     *     ({@link IdentitySplit#withCohortSize}); empty for the split's own cohort
     * @param unknownSize unknown people kept whatever the cohort size, with {@code cohortSize}
     * @param out where {@code det.png}, {@code scores.csv}, {@code summary.txt} and each seed's {@code
     *     trajectory-seed<N>.csv} and {@code .png} are written; empty for nowhere
     */
    public record Options(
            Path root,
            Optional<Path> dataset,
            ModelPack pack,
            Path modelsDir,
            double targetFpir,
            List<Long> seeds,
            int threads,
            Optional<Path> cache,
            ImageDegradation drift,
            int flood,
            OptionalDouble cameraQuota,
            int cameras,
            OptionalInt cohortSize,
            int unknownSize,
            Optional<Path> out) {
        public Options {
            if (!(targetFpir > 0 && targetFpir <= 0.5)) {
                throw new IllegalArgumentException("expected --target-fpir in (0, 0.5], found " + targetFpir);
            }
            if (flood < 0 || cameras < 1) {
                throw new IllegalArgumentException(
                        "expected --flood >= 0 and --cameras >= 1, found " + flood + ", " + cameras);
            }
            if (seeds.isEmpty() || threads < 1) {
                throw new IllegalArgumentException(
                        "expected at least one seed and one thread, found " + seeds + ", " + threads);
            }
            seeds = List.copyOf(seeds);
        }
    }

    /**
     * A probe's best gallery subject by exact search over every template, without stream order: the offline
     * score of {@code scores.csv} and the DET curve.
     *
     * @param subjectId the probe's true subject, or null for a non-mated probe
     */
    public record ProbeScore(String label, String subjectId, String bestSubjectId, double bestScore) {
        public boolean mated() {
            return subjectId != null;
        }
    }

    /**
     * One seed: the sizes of its split, the stream's report and the offline scores of its probes.
     *
     * @param galleryTemplates templates of all gallery subjects together
     * @param cohortTemplates templates of all cohort identities together
     */
    public record SeedResult(
            long seed,
            int gallerySubjects,
            int galleryTemplates,
            int cohortIdentities,
            int cohortTemplates,
            int unknownIdentities,
            OpenSetEvaluation.Report report,
            List<ProbeScore> scores) {
        public SeedResult {
            scores = List.copyOf(scores);
        }
    }

    /** Every seed's result, in the order of {@link Options#seeds}, and the fixed threshold they were measured at. */
    public record Result(List<SeedResult> seeds, double fixedThreshold) {
        public Result {
            seeds = List.copyOf(seeds);
        }
    }

    /**
     * Runs the experiment, writing the report to {@code out} as it goes and the embedding progress to
     * {@code progress}.
     */
    public static Result run(Options o, PrintWriter out, PrintStream progress) throws IOException {
        if (!Files.isDirectory(o.root())) {
            throw new IllegalArgumentException("expected --root to be a directory, found " + o.root());
        }
        Map<String, List<Path>> identities = o.dataset().isPresent()
                ? LabelledImages.fromCsv(o.dataset().get(), o.root())
                : LabelledImages.fromFolders(o.root());
        List<Path> paths = identities.values().stream().flatMap(List::stream).toList();
        IdentifyReport report = new IdentifyReport(o, out);
        report.header(identities.size(), paths.size());

        VisionOptions vision = VisionOptions.defaults(o.pack());
        long start = System.nanoTime();
        ImageEmbeddings clean = embed(paths, o, vision, ImageDegradation.NONE, progress);
        ImageEmbeddings drifted =
                o.drift().kind() == ImageDegradation.Kind.NONE ? null : embed(paths, o, vision, o.drift(), progress);
        report.embedded(clean, paths.size(), (System.nanoTime() - start) / 1e9);

        Set<Path> failed = Set.copyOf(clean.noFace());
        Map<String, List<Path>> acquired = new TreeMap<>();
        identities.forEach((id, list) -> {
            List<Path> ok = list.stream().filter(p -> !failed.contains(p)).toList();
            if (!ok.isEmpty()) {
                acquired.put(id, ok);
            }
        });
        // the pack's threshold is a float; its decimal form is the threshold operators configure
        double fixed = Double.parseDouble(Float.toString(o.pack().defaultCosineThreshold()));
        FpirPolicy defaults = FpirPolicy.defaults("eval-identify", o.targetFpir());
        FpirPolicy policy = o.cameraQuota().isPresent()
                ? withCameraBounds(defaults, o.cameraQuota().getAsDouble())
                : defaults;
        Probes probes = new Probes(o.root(), clean, drifted);
        List<SeedResult> seeds = new ArrayList<>();
        for (long seed : o.seeds()) {
            IdentitySplit split = IdentitySplit.of(acquired, seed);
            if (o.cohortSize().isPresent()) {
                split = split.withCohortSize(o.cohortSize().getAsInt(), o.unknownSize());
            }
            SeedResult r = seed(seed, split, probes, policy, fixed, o, progress);
            report.seed(r, fixed);
            seeds.add(r);
        }
        Result result = new Result(seeds, fixed);
        report.finish(result);
        return result;
    }

    private static SeedResult seed(
            long seed,
            IdentitySplit split,
            Probes probes,
            FpirPolicy policy,
            double fixed,
            Options o,
            PrintStream progress) {
        Map<String, List<float[]>> gallery = new LinkedHashMap<>();
        split.enrolled()
                .forEach((id, list) ->
                        gallery.put(id, list.stream().map(probes::clean).toList()));
        Map<String, float[][]> cohort = new LinkedHashMap<>();
        split.cohort()
                .forEach((id, list) ->
                        cohort.put(id, list.stream().map(probes::clean).toArray(float[][]::new)));
        List<OpenSetEvaluation.Probe> stream = new ArrayList<>();
        split.mated().forEach((id, list) -> list.forEach(p -> stream.add(probes.probe(p, id, id))));
        split.unknown().forEach((id, list) -> list.forEach(p -> stream.add(probes.probe(p, null, id))));
        int warmup = Math.min(1000, stream.size() / 5);
        int publishEvery = Math.max(1, Math.min(100, stream.size() / 50));
        List<OpenSetEvaluation.Probe> floodFaces =
                o.flood() == 0 ? List.of() : lookAlike(split.unknown(), gallery, probes);
        OpenSetEvaluation.Report r = OpenSetEvaluation.runWithCohort(
                gallery,
                cohort,
                stream,
                policy,
                fixed,
                new OpenSetEvaluation.Stream(warmup, publishEvery, seed, o.cameras(), floodFaces, o.flood()),
                progress);
        List<ProbeScore> scores = stream.stream().map(p -> best(p, gallery)).toList();
        return new SeedResult(
                seed,
                gallery.size(),
                gallery.values().stream().mapToInt(List::size).sum(),
                cohort.size(),
                cohort.values().stream().mapToInt(c -> c.length).sum(),
                split.unknown().size(),
                r,
                scores);
    }

    /** Best subject by the max over its templates. */
    private static ProbeScore best(OpenSetEvaluation.Probe p, Map<String, List<float[]>> gallery) {
        float[] embedding = p.embedding();
        String bestId = null;
        double best = Double.NEGATIVE_INFINITY;
        for (var e : gallery.entrySet()) {
            for (float[] t : e.getValue()) {
                double c = Embedding.cosine(embedding, t);
                if (c > best) {
                    best = c;
                    bestId = e.getKey();
                }
            }
        }
        return new ProbeScore(p.label(), p.subjectId(), bestId, best);
    }

    /** Faces of the unknown identity whose best image scores highest against the gallery: the worst flood. */
    private static List<OpenSetEvaluation.Probe> lookAlike(
            Map<String, List<Path>> unknown, Map<String, List<float[]>> gallery, Probes probes) {
        String worst = null;
        double worstScore = Double.NEGATIVE_INFINITY;
        for (var e : unknown.entrySet()) {
            for (Path p : e.getValue()) {
                float[] v = probes.clean(p);
                for (List<float[]> templates : gallery.values()) {
                    for (float[] t : templates) {
                        double c = Embedding.cosine(v, t);
                        if (c > worstScore) {
                            worstScore = c;
                            worst = e.getKey();
                        }
                    }
                }
            }
        }
        String who = worst;
        return unknown.get(worst).stream().map(p -> probes.probe(p, null, who)).toList();
    }

    private static ImageEmbeddings embed(
            List<Path> paths, Options o, VisionOptions vision, ImageDegradation degradation, PrintStream progress) {
        String settings =
                o.pack().id() + " " + vision + " rule=" + FaceSelection.Rule.LARGEST + " degradation=" + degradation;
        Optional<Path> file = degradation.kind() == ImageDegradation.Kind.NONE
                ? o.cache()
                : o.cache()
                        .map(c -> c.resolveSibling(
                                c.getFileName() + "." + degradation.toString().replace(':', '-')));
        EmbeddingCache cache =
                file.map(f -> EmbeddingCache.open(f, settings, progress)).orElse(null);
        if (degradation.kind() != ImageDegradation.Kind.NONE) {
            progress.println("embedding the probes again, degraded by " + degradation + " (drift)");
        }
        ImageEmbeddings e = ImageEmbeddings.compute(
                paths,
                () -> EvalAnalyzers.open(o.pack(), o.modelsDir(), vision, false),
                o.threads(),
                progress,
                FaceSelection.Rule.LARGEST,
                degradation,
                cache);
        if (cache != null) {
            cache.save();
        }
        return e;
    }

    /** The embedded images as gallery templates and stream probes, labelled by their path under the root. */
    private record Probes(Path root, ImageEmbeddings clean, ImageEmbeddings drifted) {
        float[] clean(Path image) {
            return clean.face(image).face().embedding();
        }

        OpenSetEvaluation.Probe probe(Path image, String subject, String identity) {
            ImageFace face = clean.face(image);
            // a degraded image whose face is lost keeps its clean embedding: drift cannot invent a detection
            float[] degraded = drifted == null || drifted.face(image).fallback()
                    ? null
                    : drifted.face(image).face().embedding();
            return new OpenSetEvaluation.Probe(
                    face.face().embedding(),
                    subject,
                    root.relativize(image).toString(),
                    face.face().quality(),
                    degraded,
                    identity);
        }
    }

    /**
     * The policy with the window's per-camera quota at {@code factor}; 0 turns off every per-camera bound, the
     * quota and the aggregator's camera share of the tail alike, so a run shows what a flooding camera does
     * unchecked.
     */
    static FpirPolicy withCameraBounds(FpirPolicy policy, double factor) {
        FpirPolicy quota = policy.withCameraQuotaFactor(factor);
        if (factor > 0) {
            return quota;
        }
        FpirPolicy.Contamination c = quota.contamination();
        return quota.withContamination(new FpirPolicy.Contamination(
                c.samePersonCosine(),
                c.hygieneCosine(),
                c.guardLeaveOut(),
                c.reportListFactor(),
                c.tailCapMin(),
                c.tailCapShare(),
                c.cameraTailShare(),
                FpirPolicy.Contamination.NO_CAP));
    }
}

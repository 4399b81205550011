package org.facestream.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GallerySearch;
import org.facestream.gallery.Ranking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench gallery}: the matcher's per-observation search, one probe at a time, on a synthetic
 * gallery of the size an operator plans for, in each {@code matcher.search.storage} mode: p50/p99 latency,
 * searches per second, and a check that every mode ranked every probe exactly as fp32 did. Subjects are
 * random unit centres with sub-centre templates around them (cosine about 0.8 to the centre); half of the probes
 * are new views of a subject (cosine about 0.7), half strangers. A warm-up pass per mode is not counted.
 */
@Command(
        name = "gallery",
        mixinStandardHelpOptions = true,
        description = "Per-observation gallery search latency for each matcher.search.storage mode.")
final class BenchGalleryCommand implements Callable<Integer> {
    private static final FaceQuality QUALITY = new FaceQuality(0.9f, 60, 100, 0, 0, 20);

    @Option(names = "--subjects", defaultValue = "10000", description = "Enrolled subjects (default ${DEFAULT-VALUE}).")
    int subjects;

    @Option(
            names = "--templates",
            defaultValue = "3",
            description = "Sub-centre templates per subject (default ${DEFAULT-VALUE}).")
    int templates;

    @Option(names = "--dim", defaultValue = "512", description = "Embedding dimension (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--probes",
            defaultValue = "400",
            description = "Probes searched per pass (default ${DEFAULT-VALUE}).")
    int probes;

    @Option(
            names = "--passes",
            defaultValue = "3",
            description = "Timed passes over the probes (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(
            names = "--k",
            defaultValue = "5",
            description = "Subjects ranked per probe (matcher.top.k, default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--storage",
            split = ",",
            defaultValue = "fp32,fp16,int8,auto",
            description = "Modes to measure, comma-separated (default ${DEFAULT-VALUE}).")
    List<String> storages;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of the synthetic gallery (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (subjects < 1 || templates < 1 || dim < 2 || probes < 1 || passes < 1 || k < 1) {
            throw new IllegalArgumentException(
                    "expected positive --subjects, --templates, --probes, --passes, --k and --dim >= 2");
        }
        List<GallerySearch> modes = storages.stream().map(GallerySearch::parse).toList(); // a bad name fails first
        SplittableRandom random = new SplittableRandom(seed);
        List<GalleryRecord> gallery = new ArrayList<>(subjects);
        List<float[]> centres = new ArrayList<>(subjects);
        for (int s = 0; s < subjects; s++) {
            float[] centre = SyntheticSubjects.randomUnit(random, dim);
            centres.add(centre);
            List<Template> own = new ArrayList<>(templates);
            for (int t = 0; t < templates; t++) {
                own.add(new Template(near(centre, 0.8, random), "t" + t, QUALITY));
            }
            gallery.add(new GalleryRecord("s" + s, "s" + s, own, "bench", Instant.EPOCH));
        }
        float[][] probe = new float[probes][];
        for (int i = 0; i < probes; i++) {
            probe[i] = i % 2 == 0
                    ? SyntheticSubjects.randomUnit(random, dim)
                    : near(centres.get(random.nextInt(subjects)), 0.7, random);
        }
        System.out.printf(
                Locale.ROOT,
                "gallery: %d subjects x %d templates = %d rows of dimension %d, %d probes x %d passes, top %d%n",
                subjects,
                templates,
                subjects * templates,
                dim,
                probes,
                passes,
                k);
        Ranking[] reference = null;
        for (int m = 0; m < modes.size(); m++) {
            String name = storages.get(m);
            GallerySearch mode = modes.get(m);
            GalleryIndex index = new GalleryIndex(dim, 1, mode);
            index.replaceAll(gallery);
            Ranking[] first = new Ranking[probes];
            for (int i = 0; i < probes; i++) {
                first[i] = index.search(probe[i], k); // warm-up, and the rankings compared
            }
            long[] nanos = new long[probes * passes];
            int c = 0;
            long start = System.nanoTime();
            for (int pass = 0; pass < passes; pass++) {
                for (float[] p : probe) {
                    long t0 = System.nanoTime();
                    index.search(p, k);
                    nanos[c++] = System.nanoTime() - t0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(nanos);
            if (reference == null) {
                reference = mode.equals(GallerySearch.FP32) ? first : fp32Rankings(gallery, probe);
            }
            System.out.printf(
                    Locale.ROOT,
                    "storage=%-5s p50_ms=%.3f p99_ms=%.3f searches_per_s=%.0f compressed=%d fp32_rescans=%d"
                            + " same_as_fp32=%s%n",
                    name,
                    nanos[nanos.length / 2] / 1e6,
                    nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.99) - 1)] / 1e6,
                    nanos.length / seconds,
                    index.compressedSearches(),
                    index.exactRescans(),
                    Arrays.equals(first, reference));
        }
        return 0;
    }

    private Ranking[] fp32Rankings(List<GalleryRecord> gallery, float[][] probe) {
        GalleryIndex fp32 = new GalleryIndex(dim, 1, GallerySearch.FP32);
        fp32.replaceAll(gallery);
        Ranking[] out = new Ranking[probe.length];
        for (int i = 0; i < probe.length; i++) {
            out[i] = fp32.search(probe[i], k);
        }
        return out;
    }

    /** A unit vector at cosine {@code cosine} to the unit vector {@code base}, in a random direction. */
    private float[] near(float[] base, double cosine, SplittableRandom random) {
        float[] r = SyntheticSubjects.randomUnit(random, dim);
        double dot = 0;
        for (int j = 0; j < dim; j++) {
            dot += (double) r[j] * base[j];
        }
        double sq = 0;
        double[] o = new double[dim];
        for (int j = 0; j < dim; j++) {
            o[j] = r[j] - dot * base[j];
            sq += o[j] * o[j];
        }
        double sin = Math.sqrt(1 - cosine * cosine) / Math.sqrt(sq);
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = (float) (cosine * base[j] + sin * o[j]);
        }
        return v;
    }
}

package org.facestream.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.facestream.audit.AuditLogs;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.Origin;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.model.ModelPack;

/**
 * A benchmark's large gallery: {@code n} people who never appear in the video, each enrolled with one random
 * unit template (seeded, so runs compare) through the real enrollment path (sealed, gallery processor,
 * audit). Random unit vectors of dimension 512 score about N(0, 0.044) against any face, far below any
 * threshold, so they change what the matcher searches, not what it decides. Enrollments overlap (32 in
 * flight) because each waits for the gallery processor's transaction; progress goes to stderr.
 */
final class SyntheticSubjects {
    private static final int IN_FLIGHT = 32;
    private static final FaceQuality QUALITY = new FaceQuality(0.9f, 60, 100, 0, 0, 20);
    private static final long SEED = 2026;

    private SyntheticSubjects() {}

    static void enroll(EnrollmentService enrollment, ModelPack pack, int n) throws Exception {
        if (n == 0) {
            return;
        }
        Origin origin = Origin.of(AuditLogs.person(null), "bench-synthetic");
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool =
                Executors.newFixedThreadPool(IN_FLIGHT, Thread.ofVirtual().factory())) {
            List<Future<?>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    enrollment.enroll(record(pack, id), null, origin);
                    int d = done.incrementAndGet();
                    if (d % 1000 == 0 || d == n) {
                        System.err.printf("synthetic subjects enrolled: %d/%d%n", d, n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    /** Synthetic subject {@code i}: the same vector in every run. */
    static GalleryRecord record(ModelPack pack, int i) {
        float[] v = randomUnit(new SplittableRandom(SEED + i), pack.embeddingDimension());
        String id = "synthetic-" + i;
        return new GalleryRecord(
                id, id, List.of(new Template(v, id + ".synthetic", QUALITY)), pack.id(), Instant.EPOCH);
    }

    /** A direction drawn uniformly on the unit sphere (normalised Gaussian components). */
    static float[] randomUnit(RandomGenerator random, int dimension) {
        float[] v = new float[dimension];
        double sq = 0;
        for (int j = 0; j < dimension; j++) {
            double g = random.nextGaussian();
            v[j] = (float) g;
            sq += g * g;
        }
        float inv = (float) (1 / Math.sqrt(sq));
        for (int j = 0; j < dimension; j++) {
            v[j] *= inv;
        }
        return v;
    }
}

package org.facestream.events;

import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Deterministic wire records for tests: the same seed gives the same bytes. */
public final class WireFixtures {
    public static final Instant T0 = Instant.parse("2026-11-23T09:00:00.123456789Z");
    /**
     * v1 JSON of a null-score report, captured when the record moved to events: its sketch (8192 bins) holds
     * the scores 0.1, 0.3 and -0.5 with smooth-max 0.2, 0.25 and 0.125.
     */
    public static final String NULL_SCORE_REPORT_V1 =
            "{\"instanceId\":\"matcher-1\",\"policyId\":\"default\",\"sequence\":4,"
                    + "\"galleryN\":150,\"cohortK\":30,\"sketch\":\"AQAAIAAAAAAAAAAAAz/iZmZmZmZmgRABmRMBswYB\",\"droppedByQuota\":2,"
                    + "\"reportedAt\":\"2025-03-01T12:00:00Z\",\"galleryTemplates\":160,\"cohortTemplates\":31}";

    private WireFixtures() {}

    /** A seeded random unit vector of {@code dim} values. */
    public static float[] unitVector(long seed, int dim) {
        Random r = new Random(seed);
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    public static FaceQuality quality() {
        return new FaceQuality(0.93f, 27.75f, 412.5f, -4.25f, -1.5f, 21.75f);
    }

    public static FaceObservation observation(String camera, long seq, int face, float[] embedding, String pack) {
        return observation(camera, null, seq, face, embedding, pack);
    }

    /** An observation of ingest run {@code run} (null: a frame without one). */
    public static FaceObservation observation(
            String camera, String run, long seq, int face, float[] embedding, String pack) {
        return new FaceObservation(
                FaceObservation.idOf(camera, run, seq, face),
                camera,
                run,
                seq,
                face,
                T0,
                T0.plusMillis(80),
                640,
                360,
                new BoundingBox(301.5f, 88f, 64.25f, 80.75f),
                new float[] {318.1f, 120.4f, 345.9f, 119.8f, 332f, 135.2f, 320.3f, 150.1f, 343.7f, 149.6f},
                quality(),
                embedding,
                pack,
                null,
                null);
    }

    public static GalleryRecord galleryRecord(String subject, String pack, float[]... embeddings) {
        List<Template> templates = java.util.Arrays.stream(embeddings)
                .map(e -> new Template(e, subject + ".jpg", quality()))
                .toList();
        return new GalleryRecord(subject, subject, templates, pack, T0);
    }

    public static Frame frame(String camera, long seq, byte[] jpeg) {
        return new Frame(camera, seq, T0, 1000 * seq / 30, 640, 360, jpeg);
    }
}

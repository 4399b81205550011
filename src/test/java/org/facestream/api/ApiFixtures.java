package org.facestream.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.facestream.enroll.EnrollmentService;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.IdentityEvent;
import org.facestream.events.ThresholdRef;
import org.facestream.events.WireFixtures;

/** Records, multipart bodies, API keys and an in-memory gallery for the API tests. */
final class ApiFixtures {
    static final String PACK = "yunet-w600k-int8";
    static final ThresholdRef THRESHOLD = new ThresholdRef(0.35, 0, "fixed");
    /** One key per role; tests present them as {@code Authorization: Bearer}. */
    static final String VIEWER_KEY = ApiKeys.mint();

    static final String OPERATOR_KEY = ApiKeys.mint();
    static final String ADMIN_KEY = ApiKeys.mint();

    private ApiFixtures() {}

    /** The key-file text of the three test keys: ids {@code viewer-1}, {@code operator-1}, {@code admin-1}. */
    static String keyFileText() {
        return "# test keys\n" + ApiKeys.line("viewer-1", Role.VIEWER, VIEWER_KEY) + "\n"
                + ApiKeys.line("operator-1", Role.OPERATOR, OPERATOR_KEY) + "\n"
                + ApiKeys.line("admin-1", Role.ADMIN, ADMIN_KEY) + "\n";
    }

    /** The three test keys. */
    static ApiKeys keys() {
        return ApiKeys.parse(keyFileText(), "test", "test");
    }

    /** The key of {@code role}. */
    static String keyOf(Role role) {
        return switch (role) {
            case VIEWER -> VIEWER_KEY;
            case OPERATOR -> OPERATOR_KEY;
            case ADMIN -> ADMIN_KEY;
        };
    }

    /** An identity event of {@code camera}'s frame {@code seq}: a match when {@code subject} is not null. */
    static IdentityEvent identity(
            String camera, long seq, String subject, String best, double score, Instant capturedAt) {
        List<IdentityEvent.Candidate> candidates =
                best == null ? List.of() : List.of(new IdentityEvent.Candidate(best, score));
        return new IdentityEvent(
                FaceObservation.idOf(camera, seq, 0),
                subject,
                score,
                best,
                THRESHOLD,
                camera,
                seq,
                0,
                capturedAt,
                capturedAt.plusMillis(120),
                new BoundingBox(300, 90, 64, 80),
                WireFixtures.quality(),
                PACK,
                3,
                candidates);
    }

    /** A face observation of {@code camera}'s frame {@code seq}, with {@code thumbnail} (may be null). */
    static FaceObservation observation(String camera, long seq, Instant capturedAt, byte[] thumbnail) {
        FaceObservation o = WireFixtures.observation(camera, seq, 0, WireFixtures.unitVector(seq, 512), PACK);
        return new FaceObservation(
                o.observationId(),
                camera,
                seq,
                0,
                capturedAt,
                capturedAt.plusMillis(80),
                640,
                360,
                o.box(),
                o.landmarks(),
                o.quality(),
                o.embedding(),
                PACK,
                thumbnail);
    }

    /** A multipart/form-data body builder. */
    static final class Multipart {
        final String boundary = "----facestream-test-7d93";
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart file(String field, String filename, String contentType, byte[] data) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                    + "\"\r\n" + "Content-Type: " + contentType + "\r\n\r\n");
            out.writeBytes(data);
            write("\r\n");
            return this;
        }

        Multipart field(String field, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value
                    + "\r\n");
            return this;
        }

        byte[] build() {
            write("--" + boundary + "--\r\n");
            return out.toByteArray();
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A gallery view without Kafka: records written apply at once; hides nothing. */
    static final class InMemoryGallery implements GalleryView {
        private final SortedMap<String, org.facestream.events.GalleryRecord> subjects = new TreeMap<>();

        @Override
        public synchronized SortedMap<String, org.facestream.events.GalleryRecord> subjects() {
            return new TreeMap<>(subjects);
        }

        @Override
        public synchronized Optional<org.facestream.events.GalleryRecord> subject(String subjectId) {
            return Optional.ofNullable(subjects.get(subjectId));
        }

        @Override
        public boolean awaitEnrolled(GalleryOutcome enrolled, Duration timeout) {
            return true;
        }

        @Override
        public boolean awaitErased(GalleryOutcome erased, Duration timeout) {
            return true;
        }

        @Override
        public boolean hides(String subjectId, Instant decidedAt) {
            return false;
        }

        @Override
        public boolean caughtUp() {
            return true;
        }

        /** Shows {@code record} as the subject's. */
        synchronized void write(String subjectId, org.facestream.events.GalleryRecord record) {
            subjects.put(subjectId, record);
        }
    }

    /** An enrollment service whose commands fail: for tests that do not enroll or erase. */
    static EnrollmentService noGalleryChanges() {
        return new EnrollmentService(
                (command, timeout) -> {
                    throw new AssertionError("no gallery change in this test, found " + command);
                },
                null,
                10,
                Duration.ofSeconds(1));
    }
}

package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import org.facestream.config.ApiSettings;
import org.facestream.config.VisionOptions;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.InMemoryGalleryProcessor;
import org.facestream.events.GalleryCommand;
import org.facestream.events.Json;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.LogCapture;
import org.facestream.testing.SharedData;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 8, against the API with the real enrollment path: ids the gallery record refuses are 400 with the
 * one id rule (they were 500); error bodies repeat at most 1,000 characters of their input (a 9.4 MB file name came
 * back); carriage returns and terminal escapes of a file name reach neither the answer nor the log raw; the camera
 * table forgets stale cameras, keeps at most 1,000 and ignores records stamped in the future.
 */
@Tag("fault")
class ApiInputFaultTest {
    static FaceAnalyzer analyzer;
    static ApiFixtures.InMemoryGallery gallery;
    static InMemoryGalleryProcessor processor;
    static ApiServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
        gallery = new ApiFixtures.InMemoryGallery();
        MasterKeys masterKeys = MasterKeys.ephemeral();
        processor = new InMemoryGalleryProcessor(masterKeys, Clock.systemUTC());
        server = ApiServer.start(
                ApiSettings.defaults(0),
                new ApiServer.Collaborators(
                        gallery,
                        new EnrollmentService(processor, masterKeys, 10, Duration.ofSeconds(30)),
                        new Enroller(analyzer)::everyTemplate,
                        LiveFeed.defaults(),
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.now()),
                        new ClusterProbe() {
                            @Override
                            public boolean brokerReachable() {
                                return true;
                            }

                            @Override
                            public OptionalLong workerLag(String cameraId) {
                                return OptionalLong.empty();
                            }
                        },
                        MatcherProbe.UNKNOWN,
                        new MetricsRegistry(),
                        ApiFixtures.keys()));
    }

    @AfterAll
    static void stop() {
        server.close();
        analyzer.close();
    }

    private static HttpResponse<String> upload(String rawId, ApiFixtures.Multipart form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.port() + "/api/v1/subjects/" + rawId + "/faces"))
                        .header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY)
                        .header("Content-Type", form.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] photo(String path) throws Exception {
        return Files.readAllBytes(SharedData.face(path));
    }

    @Test
    void idsTheGalleryRecordRefusesAre400WithTheOneRule() throws Exception {
        byte[] obama = photo("people/obama/obama.jpg");
        for (String raw : List.of("..", "-x", ".hidden", "_x", "%40x", "..x")) {
            HttpResponse<String> r =
                    upload(raw, new ApiFixtures.Multipart().file("image", "obama.jpg", "image/jpeg", obama));
            assertThat(r.statusCode()).as(raw + ": " + r.body()).isEqualTo(400);
            JsonNode body = Json.MAPPER.readTree(r.body());
            assertThat(body.get("status").asInt()).isEqualTo(400);
            if (!raw.equals("%2E%2E")) {
                assertThat(body.get("error").asText())
                        .as(raw)
                        .startsWith(
                                "expected a subject id of 1-128 characters [A-Za-z0-9._:@-], the first a letter or a"
                                        + " digit, found '");
            }
            HttpResponse<String> get = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/subjects/" + raw))
                            .header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).as("DELETE " + raw + ": " + get.body()).isEqualTo(400);
        }
        assertThat(processor.commands())
                .extracting(GalleryCommand::subjectId)
                .as("nothing submitted")
                .doesNotContain("..", "-x", ".hidden", "_x", "@x", "..x");
        // ".." percent-encoded is refused by the server itself (an ambiguous path segment), as JSON
        HttpResponse<String> encoded = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/subjects/%2E%2E"))
                        .header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(encoded.statusCode()).isEqualTo(400);
        assertThat(encoded.body()).isEqualTo("{\"error\":\"Ambiguous URI path segment\",\"status\":400}");
        // the rule's own edge: a letter or digit first, then the rest of the alphabet
        HttpResponse<String> ok =
                upload("x.y_z%40w-1", new ApiFixtures.Multipart().file("image", "obama.jpg", "image/jpeg", obama));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }

    @Test
    void errorBodiesRepeatABoundedPartOfTheirInput() throws Exception {
        String longName = "n".repeat(3000) + ".jpg";
        HttpResponse<String> named = upload(
                "x1",
                new ApiFixtures.Multipart().file("image", longName, "image/jpeg", photo("people/obama/obama.jpg")));
        assertThat(named.statusCode()).isEqualTo(400);
        assertThat(named.body())
                .contains("expected a file name of at most 255 characters, found " + longName.length() + " characters")
                .hasSizeLessThan(400);

        // a 9.4 MB file name in a part header: refused at 8 kB of part headers, repeating none of it
        String hugeName = "n".repeat(9_400_000) + ".jpg";
        HttpResponse<String> huge =
                upload("x1", new ApiFixtures.Multipart().file("image", hugeName, "image/jpeg", new byte[] {1}));
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body())
                .contains("expected part headers of at most 8192 bytes, found more")
                .hasSizeLessThan(200);

        // whatever a message quotes, the answer holds at most 1,000 characters of it
        String field = "f".repeat(5000);
        HttpResponse<String> fields = upload("x1", new ApiFixtures.Multipart().field(field, "v"));
        assertThat(fields.statusCode()).isEqualTo(400);
        String error = Json.MAPPER.readTree(fields.body()).get("error").asText();
        assertThat(error).startsWith("expected one or more files in form field 'image', found fields [");
        assertThat(error.length()).isLessThanOrEqualTo(Exchanges.MAX_ERROR_CHARS + 40);
    }

    @Test
    void carriageReturnsAndEscapeCodesOfFileNamesReachNeitherTheAnswerNorTheLog() throws Exception {
        // what enrollment logs meanwhile (its logger is the one that names left-out photos)
        String logged;
        try (LogCapture log = LogCapture.of(Enroller.class)) {
            // a carriage return or an escape sequence in a file name: refused at the door, the answer escaped
            HttpResponse<String> cr = upload(
                    "obama",
                    new ApiFixtures.Multipart()
                            .file(
                                    "image",
                                    "biden.jpg\r2026-01-01 INFO forged log line \u001b[2J\u001b[31mred",
                                    "image/jpeg",
                                    photo("people/biden/biden.jpg")));
            assertThat(cr.statusCode()).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(cr.body()).get("error").asText())
                    .isEqualTo("expected a file name without control characters, found 'biden.jpg\\r2026-01-01 INFO"
                            + " forged log line \\u001B[2J\\u001B[31mred'");
            assertThat(cr.body()).doesNotContain("\r", "\u001b");

            // other characters that drive a terminal or reorder text (a C1 CSI, a right-to-left override) are
            // stored as sent, and escaped where they are shown: two photos of obama and one of biden, whose
            // file is left out as someone else's, and logged so
            String evil = "biden\u202Egpj.exe\u009b2J.jpg";
            HttpResponse<String> r = upload(
                    "obama",
                    new ApiFixtures.Multipart()
                            .file("image", "a.jpg", "image/jpeg", photo("people/obama/obama.jpg"))
                            .file("image", "b.jpg", "image/jpeg", photo("people/obama/obama2.jpg"))
                            .file("image", evil, "image/jpeg", photo("people/biden/biden.jpg")));
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
            assertThat(Json.MAPPER.readTree(r.body()).get("outliers").toString())
                    .as("JSON escapes nothing of these: the dashboard shows text, never markup")
                    .contains(evil);
            logged = String.join("\n", log.lines());
        }
        assertThat(logged).contains("photo(s) [biden\\u202Egpj.exe\\u009B2J.jpg] look like someone else");
        assertThat(logged).doesNotContain("\u001b", "\u009b", "\u202e", "\r");
    }

    @Test
    void theCameraTableForgetsStaleCamerasKeepsAtMostItsLimitAndIgnoresTheFuture() {
        String run = "run-1";
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        MutableClock clock = new MutableClock(t0);
        CameraStats stats = new CameraStats(clock);
        for (int i = 0; i < 2000; i++) {
            stats.observation("fake-" + i, run, 1, t0);
        }
        assertThat(stats.snapshot()).hasSize(CameraStats.MAX_CAMERAS);
        assertThat(stats.snapshot().get(0).cameraId())
                .as("the 1,000 heard from most recently")
                .isEqualTo("fake-1000");

        stats.observation("cam-2100", run, 1, Instant.parse("2100-01-01T00:00:00Z"));
        stats.decision("cam-2100", run, 1, Instant.parse("2100-01-01T00:00:00Z"), true);
        assertThat(stats.snapshot()).extracting(CameraStats.Snapshot::cameraId).doesNotContain("cam-2100");
        assertThat(stats.ignoredFromTheFuture()).isEqualTo(2);

        clock.now = t0.plus(CameraStats.STALE_AFTER).plusSeconds(1);
        stats.observation("cam-live", run, 5, clock.now);
        assertThat(stats.snapshot())
                .as("2,000 fake cameras forgotten once stale")
                .extracting(CameraStats.Snapshot::cameraId)
                .containsExactly("cam-live");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

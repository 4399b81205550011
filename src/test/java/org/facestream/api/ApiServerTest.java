package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.config.ApiSettings;
import org.facestream.config.VisionOptions;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The API on the real in-process broker with the real models: enrollment through the production path by
 * multipart upload, erasure answered once the tombstone is applied, every refusal with its status and
 * message, the live stream, thumbnails, metrics and the OpenAPI document.
 */
class ApiServerTest {
    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static FaceAnalyzer analyzer;
    static KafkaGalleryView gallery;
    static GalleryService processor;
    static KafkaGalleryCommands commands;
    static EnrollmentService service;
    static LiveFeed live;
    static KafkaFeeds feeds;
    static AdminClusterProbe probe;
    static ApiServer server;
    static MetricsRegistry registry = new MetricsRegistry();
    static final HttpClient http = HttpClient.newHttpClient();
    static Map<String, Object> kafka;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
        MasterKeys keys = MasterKeys.ephemeral();
        gallery = KafkaGalleryView.start(kafka, keys);
        processor = new GalleryService(kafka, keys, TestAuditKeys.keys(), "test", new MetricsRegistry());
        processor.start(Duration.ofSeconds(60));
        commands = KafkaGalleryCommands.start(kafka, "test-api", Duration.ofSeconds(30));
        service = new EnrollmentService(commands, keys, 10, Duration.ofSeconds(30));
        live = new LiveFeed(
                new EventRing(100),
                new SseHub(16, Duration.ofMillis(500)),
                new ThumbnailCache(10, 1 << 20),
                new CameraStats());
        feeds = KafkaFeeds.start(kafka, live);
        probe = new AdminClusterProbe(kafka, "facestream-worker");
        Enroller enroller = new Enroller(analyzer);
        server = ApiServer.start(
                ApiSettings.defaults(0).withMaxUploadBytes(2L << 20),
                new ApiServer.Collaborators(
                        gallery,
                        service,
                        enroller::everyTemplate,
                        live,
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.parse("2026-01-01T00:00:00Z")),
                        probe,
                        MatcherProbe.UNKNOWN,
                        registry,
                        ApiFixtures.keys()));
        Await.until(
                "the feeds assigned and the gallery view caught up",
                Duration.ofSeconds(15),
                () -> feeds.assigned() && gallery.caughtUp());
    }

    @AfterAll
    static void stop() {
        server.close();
        feeds.close();
        live.close();
        gallery.close();
        commands.close();
        processor.close();
        probe.close();
        analyzer.close();
        broker.close();
    }

    /** A request with the admin key: these tests are about what the routes do; access has its own test. */
    static HttpRequest.Builder authed(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(authed(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(
                authed(uri(path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> upload(String subject, ApiFixtures.Multipart body) throws Exception {
        return post("/api/v1/subjects/" + subject + "/faces", body.contentType(), body.build());
    }

    static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return http.send(
                authed(uri(path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode body = json(r);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(messagePart);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    static byte[] image(String relative) throws Exception {
        return Files.readAllBytes(SharedData.face(relative));
    }

    @Test
    void enrollsByUploadAddsTemplatesListsAndErasesOnceTheTombstoneIsApplied() throws Exception {
        HttpResponse<String> created = upload(
                "obama",
                new ApiFixtures.Multipart()
                        .file("image", "obama.jpg", "image/jpeg", image("people/obama/obama.jpg"))
                        .field("displayName", "Barack Obama"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = json(created);
        assertThat(c.get("id").asText()).isEqualTo("obama");
        assertThat(c.get("displayName").asText()).isEqualTo("Barack Obama");
        assertThat(c.get("templates").asInt()).isEqualTo(1);
        assertThat(c.get("modelPackId").asText()).isEqualTo("yunet-w600k-int8");
        assertThat(c.get("applied").asBoolean()).isTrue();
        String dataKey = gallery.current("obama").orElseThrow().keyId();
        assertThat(c.has("embedding")).isFalse();

        // a second photo is added to the first, not in place of it, sealed under the same data key
        HttpResponse<String> added = upload(
                "obama",
                new ApiFixtures.Multipart().file("image", "obama1.jpg", "image/jpeg", image("probes/obama1.jpg")));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(json(added).get("templates").asInt()).isEqualTo(2);
        assertThat(json(added).get("displayName").asText()).isEqualTo("Barack Obama");
        assertThat(json(added).get("outliers")).isEmpty();
        assertThat(gallery.current("obama").orElseThrow().keyId()).isEqualTo(dataKey);

        // a photo of someone else uploaded as obama: clustered with obama's two, left out and reported
        HttpResponse<String> mislabelled = upload(
                "obama",
                new ApiFixtures.Multipart().file("image", "biden.jpg", "image/jpeg", image("people/biden/biden.jpg")));
        assertThat(mislabelled.statusCode()).as(mislabelled.body()).isEqualTo(200);
        assertThat(json(mislabelled).get("outliers"))
                .extracting(JsonNode::asText)
                .containsExactly("biden.jpg");
        assertThat(json(mislabelled).get("templates").asInt()).isEqualTo(2);

        JsonNode list = json(get("/api/v1/subjects"));
        assertThat(list.get("count").asInt()).isEqualTo(1);
        assertThat(list.get("subjects").get(0).get("id").asText()).isEqualTo("obama");
        JsonNode one = json(get("/api/v1/subjects/obama"));
        assertThat(one.get("templates").asInt()).isEqualTo(2);
        assertThat(one.get("sources"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("obama.jpg", "obama1.jpg");
        assertThat(Instant.parse(one.get("enrolledAt").asText()))
                .isAfter(Instant.now().minusSeconds(60));
        // the templates really are obama's: the gallery holds them and they agree with a fresh embedding
        var record = gallery.subject("obama").orElseThrow();
        float[] a = record.templates().get(0).embedding();
        float[] b = record.templates().get(1).embedding();
        double cos = 0;
        for (int i = 0; i < a.length; i++) {
            cos += a[i] * b[i];
        }
        assertThat(cos).as("two photos of obama").isGreaterThan(0.4);

        HttpResponse<String> erased = send("DELETE", "/api/v1/subjects/obama");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(json(erased).get("applied").asBoolean()).isTrue();
        assertThat(gallery.subject("obama")).isEmpty();
        assertError(get("/api/v1/subjects/obama"), 404, "unknown subject obama");
        assertThat(json(get("/api/v1/health")).get("gallerySubjects").asInt()).isZero();
    }

    @Test
    void erasureAnswers202WhenTheMatcherStillHoldsTheSubjectAfterTheTimeout() throws Exception {
        MetricsRegistry own = new MetricsRegistry();
        MatcherProbe stuck = new MatcherProbe() {
            @Override
            public java.util.Optional<String> state() {
                return java.util.Optional.of("RUNNING");
            }

            @Override
            public boolean holds(String subjectId) {
                return true;
            }
        };
        try (ApiServer slow = ApiServer.start(
                ApiSettings.defaults(0).withApplyTimeout(Duration.ofMillis(300)),
                new ApiServer.Collaborators(
                        gallery,
                        service,
                        new Enroller(analyzer)::enroll,
                        live,
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.now()),
                        probe,
                        stuck,
                        own,
                        ApiFixtures.keys()))) {
            String base = "http://127.0.0.1:" + slow.port();
            var body = new ApiFixtures.Multipart()
                    .file("image", "biden.jpg", "image/jpeg", image("people/biden/biden.jpg"));
            HttpResponse<String> enrolled = http.send(
                    authed(URI.create(base + "/api/v1/subjects/biden/faces"))
                            .header("Content-Type", body.contentType())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.build()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
            HttpResponse<String> erased = http.send(
                    authed(URI.create(base + "/api/v1/subjects/biden")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(erased.statusCode()).isEqualTo(202);
            assertThat(json(erased).get("pending").asText()).isEqualTo("matcher");
            // the tombstone itself was applied by the gallery view
            assertThat(gallery.subject("biden")).isEmpty();
            JsonNode health = Json.MAPPER.readTree(
                    http.send(authed(URI.create(base + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            assertThat(health.get("matcher").get("state").asText()).isEqualTo("RUNNING");
        }
    }

    @Test
    void refusesBadUploadsWithTheirStatusAndMessage() throws Exception {
        assertError(
                upload("x1", new ApiFixtures.Multipart().file("image", "notes.txt", "text/plain", "hello".getBytes())),
                415,
                "image 'notes.txt': expected a JPEG or PNG image, found text/plain, 5 bytes");
        byte[] jpegHeaderOnly = java.util.Arrays.copyOf(image("people/obama/obama.jpg"), 200);
        assertError(
                upload("x1", new ApiFixtures.Multipart().file("image", "cut.jpg", "image/jpeg", jpegHeaderOnly)),
                422,
                "cut.jpg: expected a JPEG or PNG image");
        assertError(
                upload("x1", new ApiFixtures.Multipart().file("image", "wall.jpg", "image/jpeg", greyJpeg())),
                422,
                "wall.jpg: expected exactly one face, found 0");
        assertError(
                upload(
                        "x1",
                        new ApiFixtures.Multipart()
                                .file("image", "pair.jpg", "image/jpeg", image("groups/obama_and_biden.jpg"))),
                422,
                "pair.jpg: expected exactly one face, found 3 (crop the photo to the subject)");
        assertError(
                upload("x1", new ApiFixtures.Multipart().file("image", "big.jpg", "image/jpeg", new byte[3 << 20])),
                413,
                "expected an upload of at most 2097152 bytes");
        assertError(
                post("/api/v1/subjects/x1/faces", "multipart/form-data; boundary=zzz", "no boundary here".getBytes()),
                400,
                "expected the multipart boundary in the body");
        assertError(
                post("/api/v1/subjects/x1/faces", "application/json", "{}".getBytes()),
                400,
                "expected Content-Type multipart/form-data, found application/json");
        assertError(
                upload("x1", new ApiFixtures.Multipart().field("name", "x")),
                400,
                "expected one or more files in form field 'image', found fields [name]");
        assertError(
                upload(
                        "bad%20id",
                        new ApiFixtures.Multipart()
                                .file("image", "obama.jpg", "image/jpeg", image("people/obama/obama.jpg"))),
                400,
                "expected a subject id of 1-128 characters");
        // nothing was written for any of them
        assertThat(gallery.subject("x1")).isEmpty();
    }

    @Test
    void refusesToEnrollTheReservedSubjectIdUnknown() throws Exception {
        // identity events name faces that match no one 'unknown': a subject of that name could not be told apart
        assertError(
                upload(
                        "unknown",
                        new ApiFixtures.Multipart()
                                .file("image", "obama.jpg", "image/jpeg", image("people/obama/obama.jpg"))),
                400,
                "expected a subject id other than 'unknown', found 'unknown': it is reserved");
        assertThat(gallery.subject("unknown")).isEmpty();
    }

    @Test
    void answersUnknownSubjectsRoutesAndMethods() throws Exception {
        assertError(get("/api/v1/subjects/nobody"), 404, "unknown subject nobody");
        assertError(send("DELETE", "/api/v1/subjects/nobody"), 404, "unknown subject nobody");
        assertError(get("/api/v1/nothing"), 404, "no route GET /api/v1/nothing");
        HttpResponse<String> wrong = send("PUT", "/api/v1/subjects");
        assertError(wrong, 405, "expected method GET for /api/v1/subjects, found PUT");
        assertThat(wrong.headers().firstValue("Allow")).hasValue("GET");
        assertError(get("/api/v1/events?limit=0"), 400, "expected limit in [1, 2000], found '0'");
        assertError(get("/api/v1/events/cam-z/1/0/thumbnail.jpg"), 404, "no thumbnail for observation cam-z/1/0");
    }

    @Test
    void streamsEventsProducedToIdentitiesAndServesRecentEventsThumbnailsAndCameras() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = http.sendAsync(authed(uri("/api/v1/events/stream")).build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> response = stream.get(5, TimeUnit.SECONDS);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException e) {
                // the test closed the stream
            }
        });
        Await.until(
                "the event stream's client registered",
                Duration.ofSeconds(10),
                () -> live.hub().clients() > 0);
        byte[] thumb = image("people/obama/obama.jpg");
        Instant now = Instant.now();
        IdentityEvent match = ApiFixtures.identity("cam-s", 7, "obama", "obama", 0.61, now);
        IdentityEvent unknown = ApiFixtures.identity("cam-s", 8, null, "obama", 0.12, now.plusMillis(200));
        FaceObservation observed = ApiFixtures.observation("cam-s", 7, now, thumb);
        try (var producer = new KafkaProducer<>(
                kafka, new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.FACES, "cam-s", EventSerdes.faces().serialize(Topics.FACES, observed)))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.FACES,
                            "cam-s",
                            EventSerdes.faces()
                                    .serialize(
                                            Topics.FACES,
                                            ApiFixtures.observation("cam-s", 8, now.plusMillis(200), null))))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.IDENTITIES, "cam-s", EventSerdes.identities().serialize(Topics.IDENTITIES, match)))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.IDENTITIES, "cam-s", EventSerdes.identities().serialize(Topics.IDENTITIES, unknown)))
                    .get();
        }
        Set<String> seen = new HashSet<>();
        while (seen.size() < 2) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an SSE line within 10 s").isNotNull();
            if (line.startsWith("data: ")) {
                JsonNode ce = Json.MAPPER.readTree(line.substring(6));
                assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
                seen.add(ce.get("id").asText() + "=" + ce.get("subject").asText());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("cam-s/7/0=obama", "cam-s/8/0=unknown");
        // heartbeats are comment lines (every 500 ms in this test)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean heartbeat = false;
        while (!heartbeat && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            heartbeat = line != null && line.equals(": heartbeat");
        }
        assertThat(heartbeat).as("a heartbeat comment").isTrue();
        reader.interrupt();
        response.body().close();

        JsonNode recent = json(get("/api/v1/events?camera=cam-s"));
        assertThat(recent.get("events"))
                .extracting(e -> e.get("id").asText())
                .containsExactly("cam-s/8/0", "cam-s/7/0");
        assertThat(recent.get("thumbnails").get("cam-s/7/0").asText())
                .isEqualTo("/api/v1/events/cam-s/7/0/thumbnail.jpg");
        assertThat(recent.get("thumbnails").has("cam-s/8/0")).isFalse();
        JsonNode unknowns = json(get("/api/v1/events?subject=unknown&limit=5"));
        assertThat(unknowns.get("events")).extracting(e -> e.get("id").asText()).containsExactly("cam-s/8/0");

        HttpResponse<byte[]> jpeg = http.send(
                authed(uri("/api/v1/events/cam-s/7/0/thumbnail.jpg")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(jpeg.statusCode()).isEqualTo(200);
        assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(jpeg.body()).isEqualTo(thumb);

        JsonNode cameras = json(get("/api/v1/cameras"));
        JsonNode cam = null;
        for (JsonNode n : cameras.get("cameras")) {
            if (n.get("cameraId").asText().equals("cam-s")) {
                cam = n;
            }
        }
        assertThat(cam).as("camera cam-s").isNotNull();
        assertThat(cam.get("facesTotal").asInt()).isEqualTo(2);
        assertThat(cam.get("matchesLastMinute").asInt()).isEqualTo(1);
        assertThat(cam.get("unknownsLastMinute").asInt()).isEqualTo(1);
        // two frames 200 ms apart, one sequence step: 5 frames per second
        assertThat(cam.get("framesPerSecond").asDouble()).isEqualTo(5.0);
        assertThat(cam.get("lastFrameSequence").asInt()).isEqualTo(8);
        // nothing in frames, no worker group yet: lag is 0 records
        assertThat(cam.get("workerLag").asLong()).isZero();

        JsonNode stats = json(get("/api/v1/stats"));
        int matchBin = (int) Math.floor((0.61 - StatsHandler.HISTOGRAM_FROM) / StatsHandler.HISTOGRAM_BIN);
        assertThat(stats.get("scoreHistogram").get("matches").get(matchBin).asInt())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void thresholdHealthAndMetricsAnswer() throws Exception {
        JsonNode t = json(get("/api/v1/threshold"));
        assertThat(t.get("current").get("cosine").asDouble()).isEqualTo(0.35);
        assertThat(t.get("current").get("policy").asText()).isEqualTo("fixed");
        assertThat(t.get("history").get(0).get("at").asText()).isEqualTo("2026-01-01T00:00:00Z");
        HttpResponse<String> health = get("/api/v1/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("ok");
        assertThat(json(health).get("brokerReachable").asBoolean()).isTrue();
        assertThat(json(health).has("matcher")).as("no matcher in this process").isFalse();

        get("/api/v1/subjects");
        // a request is counted once its status is known, after its answer was written: a scrape right after the
        // answer may come first
        HttpResponse<String> metrics = Await.until(
                "the answered GET /api/v1/subjects counted in /metrics",
                Duration.ofSeconds(10),
                () -> get("/metrics"),
                r -> r.body().contains("facestream_api_requests_total{route=\"GET /api/v1/subjects\",status=\"200\"}"));
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        Pattern sample = Pattern.compile(
                "facestream_[a-zA-Z0-9_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? -?[0-9.Ee+-]+");
        Pattern comment = Pattern.compile("# (HELP|TYPE) facestream_[a-zA-Z0-9_]+ .+");
        for (String line : metrics.body().split("\n")) {
            assertThat(sample.matcher(line).matches() || comment.matcher(line).matches())
                    .as("metrics line '%s'", line)
                    .isTrue();
        }
        assertThat(metrics.body())
                .contains("facestream_api_requests_total{route=\"GET /api/v1/subjects\",status=\"200\"}")
                .contains("# TYPE facestream_api_sse_clients gauge");
    }

    @Test
    void openApiDocumentIsValidJsonListingEveryRoute() throws Exception {
        HttpResponse<String> r = get("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.get("paths");
        Set<String> documented = new HashSet<>();
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (!method.equals("parameters")) {
                    documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
                }
            }
        }
        Set<String> served = new HashSet<>();
        server.routes().forEach(route -> served.add(route.method() + " " + route.template()));
        assertThat(documented).isEqualTo(served);
        // every $ref resolves
        for (String ref : refs(doc, new HashSet<>())) {
            String[] parts = ref.substring(2).split("/");
            JsonNode n = doc;
            for (String p : parts) {
                n = n.get(p);
            }
            assertThat(n).as(ref).isNotNull();
        }
    }

    private static Set<String> refs(JsonNode n, Set<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    refs(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> refs(x, out));
        }
        return out;
    }

    private static byte[] greyJpeg() {
        Mat grey = new Mat(240, 320, CvType.CV_8UC3, new Scalar(90, 120, 150));
        MatOfByte jpg = new MatOfByte();
        try {
            Imgcodecs.imencode(".jpg", grey, jpg);
            return jpg.toArray();
        } finally {
            grey.release();
            jpg.release();
        }
    }
}

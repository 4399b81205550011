package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditTopic;
import org.facestream.audit.ChainVerifier;
import org.facestream.config.ApiSettings;
import org.facestream.config.VisionOptions;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control and its audit on the real broker, the real models and the real audit chain: every route
 * refuses a missing key (401) and a too weak role (403) and works for its role; erasure by an admin is in the
 * audit log with the key id, subject, time and the offsets of the key and gallery tombstones written with it,
 * and nothing a viewer or operator tried is; a gallery change whose audit record cannot be written is not
 * made (the key survives too); key-file changes are audited and take effect; a refused
 * upload does not break the client's next request.
 */
@Tag("fault")
class ApiAccessFaultTest {
    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Map<String, Object> kafka;
    static FaceAnalyzer analyzer;
    static MasterKeys masterKeys;
    static KafkaGalleryView gallery;
    static AuditLog audit;
    static GalleryService processor;
    static KafkaGalleryCommands commands;
    static LiveFeed live;
    static AdminClusterProbe probe;
    static ApiServer server;
    static final MetricsRegistry metrics = new MetricsRegistry();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
        masterKeys = MasterKeys.ephemeral();
        gallery = KafkaGalleryView.start(kafka, masterKeys);
        audit = AuditLog.open(kafka, "api", TestAuditKeys.keys(), metrics);
        processor = new GalleryService(kafka, masterKeys, TestAuditKeys.keys(), "test", new MetricsRegistry());
        processor.start(Duration.ofSeconds(60));
        commands = KafkaGalleryCommands.start(kafka, "test-api", Duration.ofSeconds(30));
        live = LiveFeed.defaults();
        probe = new AdminClusterProbe(kafka, "facestream-worker");
        server = ApiServer.start(
                ApiSettings.defaults(0),
                new ApiServer.Collaborators(
                        gallery,
                        new EnrollmentService(commands, masterKeys, 10, Duration.ofSeconds(30)),
                        new Enroller(analyzer)::enroll,
                        live,
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.now()),
                        probe,
                        MatcherProbe.UNKNOWN,
                        metrics,
                        ApiFixtures.keys()));
        Await.until("the gallery view caught up", Duration.ofSeconds(15), gallery::caughtUp);
        // an event with a thumbnail, for the event and thumbnail routes
        Instant now = Instant.now();
        live.accept(ApiFixtures.observation(
                "cam-a", 1, now, Files.readAllBytes(SharedData.face("people/obama/obama.jpg"))));
        live.accept(ApiFixtures.identity("cam-a", 1, null, null, 0.1, now));
    }

    @AfterAll
    static void stop() {
        server.close();
        live.close();
        commands.close();
        processor.close();
        gallery.close();
        audit.close();
        probe.close();
        analyzer.close();
        broker.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static byte[] photo(String relative) throws Exception {
        return Files.readAllBytes(SharedData.face(relative));
    }

    /** A request of the route table: method, concrete path, multipart body (null for none). */
    private record Call(String method, String path, String contentType, byte[] body) {
        Call(String method, String path, ApiFixtures.Multipart form) {
            this(method, path, form == null ? null : form.contentType(), form == null ? null : form.build());
        }

        HttpRequest.Builder request() {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
            if (body != null) {
                return b.header("Content-Type", contentType)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            }
            return b.method(method, HttpRequest.BodyPublishers.noBody());
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<InputStream> r =
                http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
        // the event stream never ends: its status and first bytes are the answer
        try (InputStream in = r.body()) {
            byte[] head = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
                    ? in.readNBytes(10)
                    : in.readAllBytes();
            return new HttpResponse<>() {
                public int statusCode() {
                    return r.statusCode();
                }

                public HttpRequest request() {
                    return r.request();
                }

                public java.util.Optional<HttpResponse<String>> previousResponse() {
                    return java.util.Optional.empty();
                }

                public java.net.http.HttpHeaders headers() {
                    return r.headers();
                }

                public String body() {
                    return new String(head, java.nio.charset.StandardCharsets.UTF_8);
                }

                public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
                    return java.util.Optional.empty();
                }

                public URI uri() {
                    return r.uri();
                }

                public HttpClient.Version version() {
                    return r.version();
                }
            };
        }
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertThat(r.statusCode())
                .as(r.request().method() + " " + r.uri() + ": " + r.body())
                .isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(messagePart);
    }

    @Test
    void everyRouteAnswers401WithoutAKey403ForAWeakerRoleAndSucceedsForItsRole() throws Exception {
        Map<String, Long> failuresBefore = metrics.byLabel("api_auth_failures_total");
        // subjects the routes act on: one to read, one to erase
        assertThat(send(new Call(
                                        "POST",
                                        "/api/v1/subjects/table-read/faces",
                                        new ApiFixtures.Multipart()
                                                .file(
                                                        "image",
                                                        "obama.jpg",
                                                        "image/jpeg",
                                                        photo("people/obama/obama.jpg")))
                                .request()
                                .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY))
                        .statusCode())
                .isEqualTo(201);
        assertThat(send(new Call(
                                        "POST",
                                        "/api/v1/subjects/table-erase/faces",
                                        new ApiFixtures.Multipart()
                                                .file(
                                                        "image",
                                                        "biden.jpg",
                                                        "image/jpeg",
                                                        photo("people/biden/biden.jpg")))
                                .request()
                                .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY))
                        .statusCode())
                .isEqualTo(201);

        Map<String, Call> table = new LinkedHashMap<>();
        table.put("GET /api/v1/health", new Call("GET", "/api/v1/health", null));
        table.put("GET /api/v1/whoami", new Call("GET", "/api/v1/whoami", null));
        table.put("GET /api/v1/subjects", new Call("GET", "/api/v1/subjects", null));
        table.put("GET /api/v1/subjects/{id}", new Call("GET", "/api/v1/subjects/table-read", null));
        table.put("DELETE /api/v1/subjects/{id}", new Call("DELETE", "/api/v1/subjects/table-erase", null));
        table.put(
                "POST /api/v1/subjects/{id}/faces",
                new Call(
                        "POST",
                        "/api/v1/subjects/table-new/faces",
                        new ApiFixtures.Multipart()
                                .file(
                                        "image",
                                        "lin.png",
                                        "image/png",
                                        photo("people/lin_manuel_miranda/lin-manuel-miranda.png"))));
        table.put("GET /api/v1/events", new Call("GET", "/api/v1/events?camera=cam-a", null));
        table.put("GET /api/v1/events/stream", new Call("GET", "/api/v1/events/stream", null));
        table.put(
                "GET /api/v1/events/{id}/thumbnail.jpg",
                new Call("GET", "/api/v1/events/cam-a/1/0/thumbnail.jpg", null));
        table.put("GET /api/v1/threshold", new Call("GET", "/api/v1/threshold", null));
        table.put("GET /api/v1/cameras", new Call("GET", "/api/v1/cameras", null));
        table.put("GET /api/v1/stats", new Call("GET", "/api/v1/stats", null));
        table.put("GET /api/v1/openapi.json", new Call("GET", "/api/v1/openapi.json", null));
        table.put("GET /metrics", new Call("GET", "/metrics", null));
        table.put("GET /", new Call("GET", "/", null));
        table.put("GET /{file}", new Call("GET", "/app.js", null));
        assertThat(table.keySet())
                .as("the table covers every route")
                .isEqualTo(new java.util.LinkedHashSet<>(
                        server.routes().stream().map(Route::toString).toList()));

        Map<String, Role> expectedRoles =
                Map.of("DELETE /api/v1/subjects/{id}", Role.ADMIN, "POST /api/v1/subjects/{id}/faces", Role.OPERATOR);
        Set<String> open =
                Set.of("GET /api/v1/health", "GET /api/v1/openapi.json", "GET /metrics", "GET /", "GET /{file}");
        for (Route route : server.routes()) {
            Call call = table.get(route.toString());
            Role required = route.requires();
            if (open.contains(route.toString())) {
                assertThat(required).as(route + " is open").isNull();
                assertThat(send(call.request()).statusCode())
                        .as(route + " without a key")
                        .isEqualTo(200);
                continue;
            }
            assertThat(required)
                    .as(route + " least role")
                    .isEqualTo(expectedRoles.getOrDefault(route.toString(), Role.VIEWER));
            HttpResponse<String> none = send(call.request());
            assertJsonError(
                    none,
                    401,
                    "expected an API key (Authorization: Bearer <key>, or X-API-Key) for " + route + ", found none");
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .as(route.toString())
                    .hasValue("Bearer realm=\"facestream\"");
            for (Role weaker : Role.values()) {
                if (!weaker.includes(required)) {
                    HttpResponse<String> forbidden =
                            send(call.request().header("Authorization", "Bearer " + ApiFixtures.keyOf(weaker)));
                    assertJsonError(
                            forbidden,
                            403,
                            "expected role " + required.label() + " or higher for " + route + ", found key "
                                    + weaker.label() + "-1 with role " + weaker.label());
                }
            }
            // reads work for every role; a write happens once, with the least role it needs
            for (Role enough : required == Role.VIEWER ? List.of(Role.values()) : List.of(required)) {
                HttpResponse<String> ok = send(call.request().header("X-API-Key", ApiFixtures.keyOf(enough)));
                assertThat(ok.statusCode())
                        .as(route + " with role " + enough + ": " + ok.body())
                        .isBetween(200, 201);
            }
        }
        assertThat(gallery.subject("table-erase"))
                .as("erased by the admin key, after the refusals")
                .isEmpty();
        assertThat(gallery.subject("table-new")).isPresent();

        // malformed and unknown keys are 401 with invalid_token; each failure is counted by reason
        HttpResponse<String> basic =
                send(HttpRequest.newBuilder(uri("/api/v1/subjects")).header("Authorization", "Basic dXNlcjpwYXNz"));
        assertJsonError(basic, 401, "expected Authorization: Bearer <api key>, found scheme 'Basic'");
        assertThat(basic.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"facestream\", error=\"invalid_token\"");
        HttpResponse<String> unknown = send(
                HttpRequest.newBuilder(uri("/api/v1/subjects")).header("Authorization", "Bearer " + ApiKeys.mint()));
        assertJsonError(
                unknown, 401, "expected a valid API key for GET /api/v1/subjects, found one that matches no key");
        assertThat(unknown.body()).doesNotContain("fsk_");
        Map<String, Long> failures = new LinkedHashMap<>();
        metrics.byLabel("api_auth_failures_total")
                .forEach((reason, n) -> failures.put(reason, n - failuresBefore.getOrDefault(reason, 0L)));
        assertThat(failures)
                .containsEntry("reason=\"missing\"", 11L)
                .containsEntry("reason=\"forbidden\"", 3L)
                .containsEntry("reason=\"malformed\"", 1L)
                .containsEntry("reason=\"unknown-key\"", 1L);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics"))).body())
                .containsPattern("facestream_api_auth_failures_total\\{reason=\"forbidden\"\\} \\d+");

        // the OpenAPI document states the same least role for every operation
        JsonNode paths = Json.MAPPER
                .readTree(send(HttpRequest.newBuilder(uri("/api/v1/openapi.json")))
                        .body())
                .get("paths");
        for (Route route : server.routes()) {
            JsonNode op = paths.get(route.template()).get(route.method().toLowerCase(Locale.ROOT));
            assertThat(op.path("x-facestream-role").asText(null))
                    .as(route.toString())
                    .isEqualTo(
                            route.requires() == null ? null : route.requires().label());
            if (route.requires() == null) {
                assertThat(op.get("security")).as(route + " is documented open").isEmpty();
            }
        }
        JsonNode who = Json.MAPPER.readTree(send(HttpRequest.newBuilder(uri("/api/v1/whoami"))
                        .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY))
                .body());
        assertThat(who.get("keyId").asText()).isEqualTo("operator-1");
        assertThat(who.get("role").asText()).isEqualTo("operator");
        List<String> may = new ArrayList<>();
        who.get("routes").forEach(n -> may.add(n.asText()));
        assertThat(may).contains("POST /api/v1/subjects/{id}/faces").doesNotContain("DELETE /api/v1/subjects/{id}");
    }

    @Test
    void aRefusedUploadDoesNotBreakTheClientsConnection() throws Exception {
        // answering before the upload is read and dropping the connection made about every other request of a
        // client fail ("header parser received no bytes"): the server reads and discards a refused upload
        byte[] upload = new byte[400_000];
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/v1/subjects/nobody/faces"))
                    .header("Authorization", "Bearer " + ApiFixtures.VIEWER_KEY)
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)));
            assertThat(refused.statusCode()).isEqualTo(403);
            HttpResponse<String> next = send(HttpRequest.newBuilder(uri("/api/v1/subjects/nobody/faces"))
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)));
            assertThat(next.statusCode())
                    .as("request %d after a refused upload", i)
                    .isEqualTo(401);
        }
    }

    @Test
    void erasureByAnAdminIsAuditedWithKeyIdSubjectAndTimeAndViewerOrOperatorCannotErase() throws Exception {
        HttpResponse<String> enrolled = send(new Call(
                        "POST",
                        "/api/v1/subjects/erase-me/faces",
                        new ApiFixtures.Multipart()
                                .file("image", "obama1.jpg", "image/jpeg", photo("probes/obama1.jpg")))
                .request()
                .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        for (String weaker : List.of(ApiFixtures.VIEWER_KEY, ApiFixtures.OPERATOR_KEY)) {
            assertJsonError(
                    send(HttpRequest.newBuilder(uri("/api/v1/subjects/erase-me"))
                            .DELETE()
                            .header("Authorization", "Bearer " + weaker)),
                    403,
                    "expected role admin or higher for DELETE /api/v1/subjects/{id}");
        }
        assertThat(gallery.subject("erase-me"))
                .as("refused erasures change nothing")
                .isPresent();

        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        HttpResponse<String> erased = send(HttpRequest.newBuilder(uri("/api/v1/subjects/erase-me"))
                .DELETE()
                .header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY));
        Instant after = Instant.now();
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(erased.body());
        assertThat(gallery.subject("erase-me")).isEmpty();

        List<AuditRecord> about = new ArrayList<>();
        AuditTopic.readAll(kafka, Topics.AUDIT, r -> {
            AuditRecord a = EventSerdes.audit().deserialize(r.topic(), r.value());
            if ("erase-me".equals(a.subject())) {
                about.add(a);
            }
        });
        assertThat(about)
                .extracting(AuditRecord::action)
                .containsExactly(AuditRecord.SUBJECT_ENROLLED, AuditRecord.SUBJECT_ERASED);
        AuditRecord enrollment = about.get(0);
        assertThat(enrollment.actor()).isEqualTo("api-key:operator-1");
        assertThat(enrollment.details())
                .containsEntry("via", "api")
                .containsEntry("templates.added", "1")
                .containsEntry("remote", "127.0.0.1");
        // the gallery processor wrote both, on its own chain, naming the command and the data key
        String keyId = enrollment.details().get("key.id");
        assertThat(keyId).startsWith("dek-");
        assertThat(enrollment.details().get("command")).startsWith(Topics.GALLERY_COMMANDS + "-");
        AuditRecord erasure = about.get(1);
        assertThat(erasure.actor()).isEqualTo("api-key:admin-1");
        assertThat(erasure.chainId()).startsWith("gallery-").isEqualTo(enrollment.chainId());
        assertThat(erasure.at()).isBetween(before, after);
        assertThat(erasure.details())
                .containsEntry("via", "api")
                .containsEntry("templates", "1")
                .containsEntry("found", "record")
                .containsEntry("key.id", keyId)
                .containsEntry("model.pack", ModelPacks.DEFAULT.id())
                .containsKey("request.id");
        assertThat(answer.get("keyDestroyed").asText()).isEqualTo(keyId);
        assertThat(answer.get("audit").asText()).isEqualTo(erasure.chainId() + "#" + erasure.sequence());
        assertThat(gallery.current("erase-me")).as("the data key is destroyed").isEmpty();
        assertThat(gallery.destroyed(keyId)).as("and remembered as destroyed").isTrue();
        assertThat(erasure.hashHolds()).isTrue();
        ChainVerifier.Result verified =
                AuditTopic.verify(kafka, Topics.AUDIT, Topics.AUDIT_HEADS, TestAuditKeys.keys());
        assertThat(verified.verified()).as(verified.problems().toString()).isTrue();
    }

    @Test
    void aGalleryChangeThatCannotBeQueuedIsNotMadeAndAnswers503() throws Exception {
        assertThat(send(new Call(
                                        "POST",
                                        "/api/v1/subjects/kept/faces",
                                        new ApiFixtures.Multipart()
                                                .file(
                                                        "image",
                                                        "biden.jpg",
                                                        "image/jpeg",
                                                        photo("people/biden/biden.jpg")))
                                .request()
                                .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY))
                        .statusCode())
                .isEqualTo(201);
        KafkaGalleryCommands closed = KafkaGalleryCommands.start(kafka, "test-closed", Duration.ofSeconds(30));
        closed.close();
        try (ApiServer broken = ApiServer.start(
                ApiSettings.defaults(0),
                new ApiServer.Collaborators(
                        gallery,
                        new EnrollmentService(closed, masterKeys, 10, Duration.ofSeconds(5)),
                        new Enroller(analyzer)::enroll,
                        live,
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.now()),
                        probe,
                        MatcherProbe.UNKNOWN,
                        new MetricsRegistry(),
                        ApiFixtures.keys()))) {
            HttpResponse<String> r = send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broken.port() + "/api/v1/subjects/kept"))
                            .DELETE()
                            .header("Authorization", "Bearer " + ApiFixtures.ADMIN_KEY));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(r.body()).get("error").asText())
                    .startsWith("cannot submit erase of kept to " + Topics.GALLERY_COMMANDS + ": ")
                    .endsWith("; nothing was queued");
        }
        // a barrier instead of a pause: the server answers a gallery change once the shared view has applied it, and
        // the gallery and key topics have one partition each, so the view has then read anything written before
        assertThat(send(new Call(
                                        "POST",
                                        "/api/v1/subjects/after-the-refusal/faces",
                                        new ApiFixtures.Multipart()
                                                .file(
                                                        "image",
                                                        "obama.jpg",
                                                        "image/jpeg",
                                                        photo("people/obama/obama.jpg")))
                                .request()
                                .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY))
                        .statusCode())
                .isEqualTo(201);
        assertThat(gallery.subject("kept")).as("no erasure that was not queued").isPresent();
        assertThat(gallery.current("kept")).as("nor a destroyed key").isPresent();
    }

    @Test
    void keyFileChangesAreAuditedAndTakeEffectAndABadFileKeepsTheKeysInForce() throws Exception {
        Path file = dir.resolve("api-keys.txt");
        String alice = ApiKeys.mint();
        String bob = ApiKeys.mint();
        Files.writeString(
                file, ApiKeys.line("alice", Role.ADMIN, alice) + "\n" + ApiKeys.line("bob", Role.VIEWER, bob) + "\n");
        try (AuditLog keysAudit = AuditLog.open(kafka, "api", TestAuditKeys.keys(), new MetricsRegistry());
                ApiKeyFile keys = ApiKeyFile.load(file, keysAudit, "service:facestream-api")) {
            assertThat(keys.authenticate(bob)).contains(new Principal("bob", Role.VIEWER));
            assertThat(keys.reloadIfChanged()).as("unchanged").isFalse();

            // bob revoked, carol added, alice demoted
            String carol = ApiKeys.mint();
            Files.writeString(
                    file,
                    ApiKeys.line("alice", Role.OPERATOR, alice) + "\n" + ApiKeys.line("carol", Role.VIEWER, carol)
                            + "\n");
            assertThat(keys.reloadIfChanged()).isTrue();
            assertThat(keys.authenticate(bob)).isEmpty();
            assertThat(keys.authenticate(carol)).contains(new Principal("carol", Role.VIEWER));
            assertThat(keys.authenticate(alice)).contains(new Principal("alice", Role.OPERATOR));

            // a typo is refused, once; the keys in force stay
            Files.writeString(
                    file, ApiKeys.line("alice", Role.OPERATOR, alice) + "\ncarol viewr " + "0".repeat(64) + "\n");
            assertThat(keys.reloadIfChanged()).isFalse();
            assertThat(keys.reloadIfChanged()).isFalse();
            assertThat(keys.authenticate(carol)).contains(new Principal("carol", Role.VIEWER));

            List<AuditRecord> chain = new ArrayList<>();
            AuditTopic.readAll(kafka, Topics.AUDIT, r -> {
                AuditRecord a = EventSerdes.audit().deserialize(r.topic(), r.value());
                if (a.chainId().equals(keysAudit.chainId())) {
                    chain.add(a);
                }
            });
            assertThat(chain)
                    .extracting(AuditRecord::action)
                    .containsExactly(
                            AuditRecord.CHAIN_STARTED,
                            AuditRecord.API_KEYS_LOADED,
                            AuditRecord.API_KEYS_CHANGED,
                            AuditRecord.API_KEYS_REJECTED);
            assertThat(chain.get(1).details())
                    .containsEntry("keys", "alice:admin,bob:viewer")
                    .containsEntry(
                            "file.sha256",
                            AuditRecord.sha256Hex(("" + ApiKeys.line("alice", Role.ADMIN, alice) + "\n"
                                            + ApiKeys.line("bob", Role.VIEWER, bob) + "\n")
                                    .getBytes()));
            assertThat(chain.get(2).details())
                    .containsEntry("added", "carol:viewer")
                    .containsEntry("removed", "bob")
                    .containsEntry("role.changed", "alice:admin->operator")
                    .containsEntry("keys", "alice:operator,carol:viewer")
                    .containsEntry("previous.sha256", chain.get(1).details().get("file.sha256"));
            assertThat(chain.get(3).details().get("error"))
                    .isEqualTo(
                            "api key file " + file + " line 2: expected role viewer, operator, admin, found 'viewr'");
            assertThat(chain.get(3).details()).containsEntry("keys.in.force", "alice:operator,carol:viewer");
            assertThat(chain).allSatisfy(a -> assertThat(a.actor()).startsWith("service:facestream-api"));
            // key ids and roles only: neither a key nor its hash is ever in the audit log
            String all = chain.toString();
            for (String secret : List.of(alice, bob, carol)) {
                assertThat(all)
                        .doesNotContain(secret)
                        .doesNotContain(ApiKeys.line("x", Role.VIEWER, secret).substring(9));
            }
        }
    }
}

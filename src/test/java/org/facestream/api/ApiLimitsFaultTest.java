package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.facestream.audit.AuditLog;
import org.facestream.config.ApiSettings;
import org.facestream.config.VisionOptions;
import org.facestream.enroll.Enroller;
import org.facestream.events.TopicCatalogue;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.BadBytes;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, items 4 to 6, against the API server with the real enrollment path: a scan-bomb JPEG is refused in
 * seconds; 400 concurrent 10 MB uploads are admitted two at a time (the rest answered 503 with
 * {@code Retry-After}) while {@code /health} answers within 1 s throughout; 3,000 idle and slowly-dripping
 * connections are closed by the header timeout while {@code /health} keeps answering and a key-file change
 * still takes effect; at a connection cap of 200, 3,000 idle connections never hold more than the cap, and with
 * the cap full of them each next client evicts the longest idle one and is answered. Each probe of {@code /health} is a fresh connection with a 1 s deadline for its
 * status line.
 */
@Tag("fault")
class ApiLimitsFaultTest {
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static AuditLog audit;
    static FaceAnalyzer analyzer;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        audit = AuditLog.open(kafka, "api", TestAuditKeys.keys(), new MetricsRegistry());
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
    }

    @AfterAll
    static void stop() {
        analyzer.close();
        audit.close();
        broker.close();
    }

    /** A server on {@code limits} with the three test keys (or {@code credentials}), counting into {@code metrics}. */
    private static ApiServer server(ApiSettings.Limits limits, Credentials credentials, MetricsRegistry metrics) {
        ApiFixtures.InMemoryGallery gallery = new ApiFixtures.InMemoryGallery();
        return ApiServer.start(
                ApiSettings.defaults(0).withLimits(limits),
                new ApiServer.Collaborators(
                        gallery,
                        ApiFixtures.noGalleryChanges(),
                        new Enroller(analyzer, metrics)::everyTemplate,
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
                        metrics,
                        credentials));
    }

    @Test
    void aScanBombUploadIsRefusedWithinFiveSecondsAndCounted() throws Exception {
        MetricsRegistry metrics = new MetricsRegistry();
        byte[] bomb = BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(6000, 6000, 13), 2000);
        try (ApiServer server = server(ApiSettings.Limits.defaults(), ApiFixtures.keys(), metrics)) {
            assertThat(metrics.prometheusText())
                    .contains("facestream_decode_budget_refusals_total{stage=\"enroll\"} 0")
                    .contains("facestream_api_uploads_refused_total{reason=\"busy\"} 0")
                    .contains("facestream_api_connections_closed_total{reason=\"header-timeout\"} 0");
            ApiFixtures.Multipart form = new ApiFixtures.Multipart().file("image", "bomb.jpg", "image/jpeg", bomb);
            long t0 = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + server.port() + "/api/v1/subjects/x/faces"))
                                    .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY)
                                    .header("Content-Type", form.contentType())
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.build()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body())
                    .contains("bomb.jpg: expected a JPEG of at most 32 scans")
                    .contains("found 2010 scans of 6000x6000 pixels");
            assertThat(took)
                    .as("refused before decoding (decoding it takes about 45 s)")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(metrics.total("decode_budget_refusals_total")).isEqualTo(1);
            System.out.printf("scan bomb upload (%d bytes) answered 422 in %d ms%n", bomb.length, took.toMillis());
        }
    }

    @Test
    void fourHundredConcurrentTenMegabyteUploadsAreAdmittedTwoAtATimeAndHealthAnswersWithinASecondThroughout()
            throws Exception {
        MetricsRegistry metrics = new MetricsRegistry();
        // one 10 MB body shared by every request: a JPEG's first bytes, then nothing a decoder can read
        byte[] image = new byte[(10 << 20) - 512];
        image[0] = (byte) 0xFF;
        image[1] = (byte) 0xD8;
        image[2] = (byte) 0xFF;
        image[3] = (byte) 0xE0;
        ApiFixtures.Multipart form = new ApiFixtures.Multipart().file("image", "huge.jpg", "image/jpeg", image);
        byte[] body = form.build();
        assertThat(body.length).isLessThanOrEqualTo((int) ApiSettings.DEFAULT_MAX_UPLOAD_BYTES);
        int uploads = 400;
        try (ApiServer server = server(ApiSettings.Limits.defaults(), ApiFixtures.keys(), metrics);
                var clientThreads = Executors.newVirtualThreadPerTaskExecutor();
                HealthProbe health = new HealthProbe(server.port(), metrics)) {
            HttpClient client = HttpClient.newBuilder().executor(clientThreads).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/subjects/big/faces");
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            AtomicInteger retryAfter = new AtomicInteger();
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                all.add(client.sendAsync(
                                HttpRequest.newBuilder(uri)
                                        .header("Authorization", "Bearer " + ApiFixtures.OPERATOR_KEY)
                                        .header("Content-Type", form.contentType())
                                        .timeout(Duration.ofMinutes(3))
                                        // streamed from the one array: ofByteArray would copy 10 MB per request
                                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                                HttpRequest.BodyPublishers.ofInputStream(
                                                        () -> new ByteArrayInputStream(body)),
                                                body.length))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .handle((r, failure) -> {
                            String outcome = failure != null
                                    ? String.valueOf(failure.getCause() == null ? failure : failure.getCause())
                                    : Integer.toString(r.statusCode());
                            outcomes.computeIfAbsent(outcome, k -> new AtomicInteger())
                                    .incrementAndGet();
                            if (r != null
                                    && r.statusCode() == 503
                                    && r.headers()
                                            .firstValue("Retry-After")
                                            .orElse("")
                                            .equals("5")) {
                                retryAfter.incrementAndGet();
                            }
                            return null;
                        }));
            }
            Await.until(
                    "every upload answered",
                    Duration.ofMinutes(5),
                    () -> all.stream().allMatch(CompletableFuture::isDone));
            health.close();
            Map<String, Integer> counts = new TreeMap<>();
            outcomes.forEach((k, v) -> counts.put(k, v.get()));
            System.out.printf(
                    "400 x 10 MB uploads: outcomes %s; /health probes %d, slowest %d ms; uploads in progress at most %d;"
                            + " heap used at most %d MB (client and server in one JVM, garbage included)%n",
                    counts,
                    health.probes(),
                    health.slowest().toMillis(),
                    health.mostUploadsInProgress(),
                    health.mostHeapUsed() >> 20);
            assertThat(counts.keySet())
                    .as("each answered 422 (admitted, not a picture) or 503 (busy)")
                    .containsOnly("422", "503");
            assertThat(counts.get("503")).isEqualTo(retryAfter.get());
            assertThat(counts.get("422")).isPositive();
            assertThat(metrics.byLabel("api_uploads_refused_total"))
                    .isEqualTo(Map.of("reason=\"busy\"", (long) counts.get("503")));
            assertThat(health.failures())
                    .as("every /health probe answered within 1 s")
                    .isEmpty();
            assertThat(health.probes()).isGreaterThan(5);
            assertThat(health.mostUploadsInProgress()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void threeThousandIdleAndDrippingConnectionsAreClosedByTheHeaderTimeoutWhileHealthAndKeyReloadsWork()
            throws Exception {
        int n = connectionsTheFileLimitAllows(3000);
        MetricsRegistry metrics = new MetricsRegistry();
        Path keyFile = dir.resolve("limits-keys.txt");
        Files.writeString(keyFile, ApiFixtures.keyFileText());
        ApiSettings.Limits limits = new ApiSettings.Limits(
                Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30), 2 * n + 100, 2);
        try (ApiKeyFile keys = ApiKeyFile.load(keyFile, audit, "service:facestream-api")
                        .watchEvery(Duration.ofMillis(250));
                ApiServer server = server(limits, keys, metrics);
                Selector selector = Selector.open()) {
            HealthProbe health = new HealthProbe(server.port(), metrics);
            List<SocketChannel> held = openIdle(server.port(), n, selector);
            assertThat(server.openConnections())
                    .as("all %d accepted: under the cap", n)
                    .isGreaterThan(n / 2);
            // the key file changes during the flood: the reload has its own thread and file descriptors
            String dave = ApiKeys.mint();
            Files.writeString(keyFile, ApiFixtures.keyFileText() + ApiKeys.line("dave", Role.VIEWER, dave) + "\n");
            HttpClient client = HttpClient.newHttpClient();
            Await.until(
                    "the new key accepted during the flood",
                    Duration.ofSeconds(20),
                    () -> client.send(
                                            HttpRequest.newBuilder(URI.create(
                                                            "http://127.0.0.1:" + server.port() + "/api/v1/whoami"))
                                                    .header("Authorization", "Bearer " + dave)
                                                    .timeout(PROBE_DEADLINE)
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);
            long t0 = System.nanoTime();
            int closed = awaitClosed(selector, n, Duration.ofSeconds(60));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            health.close();
            System.out.printf(
                    "%d idle/dripping connections: all closed by the server %d ms after the last opened; /health"
                            + " probes %d, slowest %d ms; closed by reason %s%n",
                    n,
                    took.toMillis(),
                    health.probes(),
                    health.slowest().toMillis(),
                    metrics.byLabel("api_connections_closed_total"));
            assertThat(closed).as("every idle connection closed by the server").isEqualTo(n);
            assertThat(metrics.byLabel("api_connections_closed_total").get("reason=\"header-timeout\""))
                    .isGreaterThanOrEqualTo((long) n);
            assertThat(health.failures())
                    .as("every /health probe answered within 1 s")
                    .isEmpty();
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }

    @Test
    void atAConnectionCapOfTwoHundredThreeThousandIdleConnectionsNeverHoldMoreNorLockOutTheNextClient()
            throws Exception {
        int n = connectionsTheFileLimitAllows(3000);
        MetricsRegistry metrics = new MetricsRegistry();
        // a header timeout of a minute: here only the cap closes connections
        ApiSettings.Limits limits =
                new ApiSettings.Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30), 200, 2);
        try (ApiServer server = server(limits, ApiFixtures.keys(), metrics);
                Selector selector = Selector.open()) {
            List<SocketChannel> held = openIdle(server.port(), n, selector);
            assertThat(held).as("every connection opened").hasSize(n);
            Await.until(
                    "every connection beyond the cap evicted",
                    Duration.ofSeconds(30),
                    () -> server.openConnections() <= 200
                            && metrics.byLabel("api_connections_closed_total").getOrDefault("reason=\"limit\"", 0L)
                                    >= n - 200L);
            // the cap is full of idle connections: each next client evicts the one idle longest and is answered
            HealthProbe health = new HealthProbe(server.port(), metrics);
            Await.until("twenty /health probes", Duration.ofSeconds(30), () -> health.probes() >= 20);
            health.close();
            long evicted = metrics.byLabel("api_connections_closed_total").getOrDefault("reason=\"limit\"", 0L);
            System.out.printf(
                    "%d idle connections at a cap of 200: at most %d open at once, %d evicted; then /health probes"
                            + " %d, slowest %d ms%n",
                    n,
                    server.mostOpenConnections(),
                    evicted,
                    health.probes(),
                    health.slowest().toMillis());
            assertThat(evicted).isGreaterThanOrEqualTo(n - 200L);
            assertThat(server.mostOpenConnections())
                    .as("never more than the cap and the one being accepted")
                    .isLessThanOrEqualTo(201);
            assertThat(health.failures())
                    .as("every /health probe answered within 1 s while idle connections fill the cap")
                    .isEmpty();
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }

    /** {@code wanted}, or fewer when this process may not hold twice as many file descriptors (client and server). */
    private static int connectionsTheFileLimitAllows(int wanted) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long room = (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 500) / 2;
            if (room < wanted) {
                System.out.printf(
                        "file-descriptor limit %d: %d connections instead of %d%n",
                        os.getMaxFileDescriptorCount(), room, wanted);
                return (int) Math.max(100, room);
            }
        }
        return wanted;
    }

    /**
     * Opens {@code n} connections that never complete a request: every other one sends the start of a request
     * head and no more (a slowloris), the rest nothing at all. Each is watched by {@code selector} for its close.
     */
    private static List<SocketChannel> openIdle(int port, int n, Selector selector) throws IOException {
        List<SocketChannel> out = new ArrayList<>(n);
        Map<String, Integer> failed = new TreeMap<>();
        byte[] partial =
                "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            SocketChannel c;
            try {
                c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                failed.merge(e.toString(), 1, Integer::sum);
                continue;
            }
            if (i % 2 == 1) {
                try {
                    c.write(ByteBuffer.wrap(partial));
                } catch (IOException e) {
                    // already closed by the server (evicted at the cap)
                }
            }
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            out.add(c);
        }
        if (!failed.isEmpty()) {
            System.out.printf("%d of %d connections could not be opened: %s%n", n - out.size(), n, failed);
        }
        return out;
    }

    /** Waits until the server has closed {@code n} of the selector's connections (or the deadline); how many it did. */
    private static int awaitClosed(Selector selector, int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int closed = 0;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (closed < n && System.nanoTime() < deadline) {
            selector.select(200);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel c = (SocketChannel) key.channel();
                int read;
                try {
                    buf.clear();
                    read = c.read(buf);
                } catch (IOException e) {
                    read = -1; // reset
                }
                if (read < 0) {
                    closed++;
                    key.cancel();
                }
            }
            selector.selectedKeys().clear();
        }
        return closed;
    }

    /**
     * Probes {@code GET /api/v1/health} on a fresh connection every 100 ms on its own thread until closed; a probe
     * whose status line has not come back within 1 s of connecting is a failure. Also samples the heap and the
     * uploads in progress.
     */
    private static final class HealthProbe implements AutoCloseable {
        private final int port;
        private final MetricsRegistry metrics;
        private final List<String> failures = new ArrayList<>();
        private final AtomicLong slowestNanos = new AtomicLong();
        private final AtomicInteger probes = new AtomicInteger();
        private final AtomicInteger mostUploads = new AtomicInteger();
        private final AtomicLong mostHeap = new AtomicLong();
        private volatile boolean running = true;
        private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        private final Thread thread;

        HealthProbe(int port, MetricsRegistry metrics) {
            this.port = port;
            this.metrics = metrics;
            this.thread = Thread.ofPlatform().name("health-probe").start(this::loop);
            try {
                ready.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void loop() {
            try {
                probe(); // the server answers before the flood starts (a warm one, as in production)
            } catch (IOException e) {
                record("the warm-up probe failed: " + e);
            }
            ready.countDown();
            while (running) {
                long t0 = System.nanoTime();
                try {
                    String status = probe();
                    long took = System.nanoTime() - t0;
                    slowestNanos.accumulateAndGet(took, Math::max);
                    if (!status.startsWith("HTTP/1.1 200")) {
                        record("answered '" + status + "'");
                    } else if (took > PROBE_DEADLINE.toNanos()) {
                        record("answered after " + took / 1_000_000 + " ms");
                    }
                } catch (IOException e) {
                    record("failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e);
                }
                probes.incrementAndGet();
                mostUploads.accumulateAndGet(uploadsInProgress(), Math::max);
                mostHeap.accumulateAndGet(
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // pacing, not a wait for a condition
            }
        }

        private synchronized void record(String failure) {
            failures.add(Instant.now() + " " + failure);
        }

        private String probe() throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_DEADLINE.toMillis());
                s.setSoTimeout((int) PROBE_DEADLINE.toMillis());
                s.getOutputStream()
                        .write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0 && c != '\r' && c != '\n') {
                    line.append((char) c);
                }
                return line.toString();
            }
        }

        private int uploadsInProgress() {
            for (String line : metrics.prometheusText().split("\n")) {
                if (line.startsWith("facestream_api_uploads_in_progress ")) {
                    return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                }
            }
            return 0;
        }

        int probes() {
            return probes.get();
        }

        Duration slowest() {
            return Duration.ofNanos(slowestNanos.get());
        }

        int mostUploadsInProgress() {
            return mostUploads.get();
        }

        long mostHeapUsed() {
            return mostHeap.get();
        }

        synchronized List<String> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

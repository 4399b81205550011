package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.facestream.api.ApiKeys;
import org.facestream.api.Role;
import org.facestream.crypto.MasterKey;
import org.facestream.events.TopicCatalogue;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.testing.Await;
import org.facestream.testing.ChildProcess;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every role's {@code /metrics} as Prometheus scrapes it, each role in its own process against the real broker
 * (ingest, worker, matcher, gallery, api): {@code promtool check metrics} passes on it, and every counter series is
 * there at zero from the start, before the first event, so {@code rate()} and {@code increase()} see the first
 * one. promtool comes with Debian's {@code prometheus} package ({@code .ci/run} installs it); without it the
 * promtool part is skipped with a message, the rest still runs.
 */
@Tag("e2e")
class MetricsExpositionTest {
    /** A series line of the text format: name, optional labels, value. */
    private static final Pattern SERIES = Pattern.compile("^([a-z_][a-z0-9_]*)(\\{[^}]*})? (\\S+)$");
    /** Counters whose label values are only known when they happen: one series per route and HTTP status. */
    private static final Set<String> OPEN_LABELS = Set.of("facestream_api_requests_total");

    @TempDir
    Path dir;

    @Test
    void everyRoleExportsLintFreeMetricsWithEveryCounterFromTheStart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicCatalogue.load().ensureTopics(admin);
            Path key = dir.resolve("master.key");
            MasterKey.generate().write(key);
            Path apiKeys = dir.resolve("api.keys");
            String viewer = ApiKeys.mint();
            Files.writeString(apiKeys, ApiKeys.line("viewer-1", Role.VIEWER, viewer) + "\n");
            String bootstrap = broker.bootstrapServers();
            String models = SharedData.models().toString();
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String role : List.of("worker", "matcher", "gallery", "api", "ingest")) {
                ports.put(role, freePort());
            }
            List<ChildProcess> started = new ArrayList<>();
            try {
                started.add(ChildProcess.start(
                        dir.resolve("worker.log"),
                        "worker",
                        "--bootstrap",
                        bootstrap,
                        "--models",
                        models,
                        "-D",
                        "metrics.port=" + ports.get("worker")));
                started.add(ChildProcess.start(
                        dir.resolve("matcher.log"),
                        "matcher",
                        "--bootstrap",
                        bootstrap,
                        "--models",
                        models,
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "-D",
                        "security.master.key.file=" + key,
                        "-D",
                        "metrics.port=" + ports.get("matcher")));
                started.add(ChildProcess.start(
                        dir.resolve("gallery.log"),
                        "gallery",
                        "--bootstrap",
                        bootstrap,
                        "-D",
                        "security.master.key.file=" + key,
                        "-D",
                        "metrics.port=" + ports.get("gallery")));
                started.add(ChildProcess.start(
                        dir.resolve("api.log"),
                        "api",
                        "--bootstrap",
                        bootstrap,
                        "--models",
                        models,
                        "--keys",
                        apiKeys.toString(),
                        "--port",
                        Integer.toString(ports.get("api")),
                        "-D",
                        "security.master.key.file=" + key));
                Map<String, String> atStart = new TreeMap<>();
                for (String role : List.of("worker", "matcher", "gallery", "api")) {
                    atStart.put(role, scrape(role, ports.get(role), started));
                }
                started.add(ChildProcess.start(
                        dir.resolve("ingest.log"),
                        "ingest",
                        "--bootstrap",
                        bootstrap,
                        "--camera",
                        "cam-1",
                        "--source",
                        SharedData.video("hamilton-clip-640x360.mp4").toString(),
                        "--fps",
                        "2",
                        "--realtime",
                        "--loop",
                        "-D",
                        "metrics.port=" + ports.get("ingest")));
                atStart.put("ingest", scrape("ingest", ports.get("ingest"), started));

                // the pipeline at work: frames sent, faces observed, decisions made
                Await.until(
                        "the matcher's first decisions",
                        Duration.ofMinutes(3),
                        () -> value(
                                        scrape("matcher", ports.get("matcher"), started),
                                        "facestream_matcher_observations_total")
                                >= 3);
                Map<String, String> later = new TreeMap<>();
                for (String role : ports.keySet()) {
                    later.put(role, scrape(role, ports.get(role), started));
                }
                assertThat(value(later.get("ingest"), "facestream_ingest_frames_sent_total"))
                        .isPositive();
                assertThat(value(later.get("worker"), "facestream_worker_frames_total"))
                        .isPositive();

                for (String role : ports.keySet()) {
                    Set<String> before = counterSeries(atStart.get(role));
                    Set<String> after = counterSeries(later.get(role));
                    after.removeIf(s -> OPEN_LABELS.contains(s.replaceAll("\\{.*", "")));
                    assertThat(before)
                            .as("counter series of %s present at start (before the first event)", role)
                            .containsAll(after);
                    assertThat(types(later.get(role)))
                            .as("types of %s's metrics", role)
                            .allSatisfy((name, type) -> assertThat(name.endsWith("_total"))
                                    .as("%s is a %s", name, type)
                                    .isEqualTo(type.equals("counter")));
                }
                assertThat(counterSeries(atStart.get("worker")))
                        .contains("facestream_deadletter_total{reason=\"corrupt-image\"}")
                        .contains("facestream_worker_faces_dropped_total{reason=\"too-small\"}")
                        .contains("facestream_audit_write_failures_total");
                assertThat(counterSeries(atStart.get("matcher")))
                        .contains("facestream_deadletter_total{reason=\"model-pack-mismatch\"}")
                        .contains("facestream_matcher_observations_total");
                assertThat(counterSeries(atStart.get("gallery")))
                        .contains("facestream_gallery_commands_total{outcome=\"erase-erased\"}")
                        .contains("facestream_audit_write_failures_total");
                assertThat(counterSeries(atStart.get("api")))
                        .contains("facestream_api_auth_failures_total{reason=\"unknown-key\"}")
                        .contains("facestream_audit_write_failures_total");

                Path promtool = onPath("promtool");
                assumeThat(promtool)
                        .as("promtool is not installed (Debian package prometheus; .ci/run installs it): the"
                                + " exposition checks ran, `promtool check metrics` did not")
                        .isNotNull();
                for (String role : ports.keySet()) {
                    assertThat(checkMetrics(promtool, atStart.get(role)))
                            .as("promtool check metrics on %s's /metrics at start", role)
                            .isEmpty();
                    assertThat(checkMetrics(promtool, later.get(role)))
                            .as("promtool check metrics on %s's /metrics at work", role)
                            .isEmpty();
                }
            } finally {
                for (int i = started.size() - 1; i >= 0; i--) {
                    started.get(i).close();
                }
            }
        }
    }

    /** The role's /metrics once it answers (it starts after the role is configured). */
    private static String scrape(String role, int port, List<ChildProcess> processes) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return Await.until(
                role + "'s /metrics on port " + port,
                Duration.ofMinutes(2),
                () -> {
                    for (ChildProcess p : processes) {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("a role exited: " + p.logText());
                        }
                    }
                    try {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        return r.statusCode() == 200 ? r.body() : "";
                    } catch (IOException e) {
                        return "";
                    }
                },
                body -> body.contains("# TYPE"));
    }

    /** Every counter series ({@code name{labels}}) of an exposition. */
    private static Set<String> counterSeries(String text) {
        Map<String, String> types = types(text);
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (m.matches() && "counter".equals(types.get(m.group(1)))) {
                out.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
            }
        }
        return out;
    }

    /** Metric family name to its {@code # TYPE}. */
    private static Map<String, String> types(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] t = line.split(" ");
                out.put(t[2], t[3]);
            }
        }
        return out;
    }

    /** The sum of a family's series values. */
    private static double value(String text, String name) {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (m.matches() && m.group(1).equals(name)) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    /** promtool's complaints about an exposition (empty when it passes). */
    static String checkMetrics(Path promtool, String exposition) throws Exception {
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out.strip() : "exit " + p.exitValue() + ": " + out;
    }

    /** {@code program} on the PATH, or null. */
    static Path onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

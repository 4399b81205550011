package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.testing.Await;
import org.facestream.testing.ChildProcess;
import org.facestream.testing.CliRun;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a new user meets it: help everywhere, a fresh clone, reserved ids, checks before writes. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandAndSubcommandAnswersHelpWithExitZero() {
        List<List<String>> paths = new ArrayList<>();
        walk(FaceStreamCli.commandLine(), List.of(), paths);
        assertThat(paths).as("the command tree").hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            for (String help : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(help);
                CliRun r = CliRun.run(args.toArray(String[]::new));
                assertThat(r.exit())
                        .as("facestream %s exits 0; stderr: %s", String.join(" ", args), r.err())
                        .isZero();
                assertThat(r.out())
                        .as("facestream %s prints its usage", String.join(" ", args))
                        .startsWith("Usage: facestream" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
            }
        }
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(path);
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
            }
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            walk(sub, deeper, out);
        });
    }

    @Test
    void keysCreateOnAFreshCloneMakesItsFolderForTheOwnerOnly() throws Exception {
        Path clone = dir.resolve("clone");
        Files.createDirectories(clone);
        Path key = clone.resolve("secrets/master.key");
        CliRun r = CliRun.run("keys", "create", "--out", key.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(r.err()).contains("master key kek-");
        // never overwritten
        CliRun again = CliRun.run("keys", "create", "--out", key.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("a master key is never overwritten");
    }

    @Test
    void theSubjectIdUnknownIsReservedAndRefusedBeforeAnythingElse() {
        // a broker that is not there: the id is refused first, in a second, without reading a photo
        CliRun r = CliRun.run(
                "enroll",
                "--bootstrap",
                "127.0.0.1:9",
                "--subject",
                "unknown",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("facestream enroll: expected a subject id other than 'unknown', found 'unknown': it is"
                        + " reserved");
        CliRun upper = CliRun.run(
                "enroll",
                "--subject",
                "Unknown",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(upper.exit()).isEqualTo(2);
        assertThat(upper.err()).contains("found 'Unknown': it is reserved");
    }

    @Test
    void ingestChecksAFileBeforeWritingAndWaitsForACameraThatIsDown() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicCatalogue.load().ensureTopics(admin);
            Path missing = dir.resolve("no-such-video.mp4");
            CliRun r = CliRun.run(
                    "ingest",
                    "--bootstrap",
                    broker.bootstrapServers(),
                    "--camera",
                    "cam-1",
                    "--source",
                    missing.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err())
                    .isEqualTo("facestream ingest: expected rtsp://..., a folder or a video file, found nothing at "
                            + missing + System.lineSeparator());
            TopicPartition audit = new TopicPartition(Topics.AUDIT, 0);
            assertThat(admin.listOffsets(Map.of(audit, OffsetSpec.latest()))
                            .all()
                            .get()
                            .get(audit)
                            .offset())
                    .as("records on %s", Topics.AUDIT)
                    .isZero();

            // a camera that is down at start: waited for with backoff, said once, counted, FFmpeg's lines kept off
            // stderr (in a process of its own: FFmpeg writes to the process's standard error, not to System.err)
            int metricsPort;
            try (var socket = new ServerSocket(0)) {
                metricsPort = socket.getLocalPort();
            }
            Path log = dir.resolve("ingest-rtsp.log");
            try (ChildProcess ingest = ChildProcess.start(
                    log,
                    "ingest",
                    "--bootstrap",
                    broker.bootstrapServers(),
                    "--camera",
                    "door",
                    "--source",
                    "rtsp://admin:hunter2@127.0.0.1:9/stream",
                    "-D",
                    "metrics.port=" + metricsPort)) {
                HttpClient http = HttpClient.newHttpClient();
                Await.until("three failed attempts counted", Duration.ofSeconds(60), () -> {
                    assertThat(ingest.isAlive()).as(ingest.logText()).isTrue();
                    try {
                        String metrics = http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                        Matcher m = Pattern.compile(
                                        "facestream_ingest_connect_failures_total\\{camera=\"door\"} (\\d+)")
                                .matcher(metrics);
                        return m.find() && Long.parseLong(m.group(1)) >= 3;
                    } catch (IOException e) {
                        return false;
                    }
                });
                String text = ingest.logText();
                assertThat(text.lines().filter(l -> l.contains("does not answer")))
                        .as("one line for the whole series of attempts")
                        .singleElement()
                        .asString()
                        .contains("rtsp://admin:***@127.0.0.1:9/stream")
                        .contains("(Connection refused)");
                assertThat(text)
                        .doesNotContain("hunter2")
                        .doesNotContain("[tcp @")
                        .doesNotContain("FFmpegLogCallback")
                        .doesNotContain("\tat ");
            }
        }
    }
}

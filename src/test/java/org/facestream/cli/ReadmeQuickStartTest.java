package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.events.Json;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Two commands" section, run as a new user runs it: its shell commands are read out of README.md
 * (so the README stays true) and run as written through the launcher, on a scratch clone (a directory with the
 * launcher linked in and {@code ../shared} beside it, no {@code secrets/} yet). Only the environment differs from a
 * user's: free ports instead of 9092 and 8080, a private temporary directory, and the build's classes instead of
 * the jar ({@code FACESTREAM_CLASSPATH}). Commands that cannot run here are named with the reason. Every command
 * must succeed without a JVM warning on its output, the roles that load the default pack must say once that it is
 * non-commercial, and the ingested video must come out of the API as identity events.
 */
@Tag("e2e")
class ReadmeQuickStartTest {
    private static final Pattern CODE_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern EXPORT = Pattern.compile("export ([A-Z_]+)=(\\S+)");
    /** Commands of the section that this test does not run, and why. */
    private static final Map<String, String> NOT_RUN = Map.of(
            "./mvnw -B verify", "the test suite itself",
            "./facestream models pull opencv-zoo-yunet-sface", "downloads from OpenCV Zoo: no internet here",
            "./facestream demo --models models --pack opencv-zoo-yunet-sface", "needs the pack models pull installs");

    private static final String LICENCE_NOTICE = "is for non-commercial research only";

    @TempDir
    Path dir;

    private record Ran(String command, Path out, Path err, Process process) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }
    }

    @Test
    void theQuickStartCommandsRunAsWrittenOnAFreshClone() throws Exception {
        List<String> commands = commands(Files.readString(Path.of("README.md")));
        Path clone = dir.resolve("clone");
        Files.createDirectories(clone);
        Files.createSymbolicLink(
                clone.resolve("facestream"), Path.of("facestream").toAbsolutePath());
        Files.createSymbolicLink(dir.resolve("shared"), SharedData.root().toAbsolutePath());
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        int apiPort = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FACESTREAM_CLASSPATH", System.getProperty("java.class.path"));
        env.put("FACESTREAM_MODELS", SharedData.models().toAbsolutePath().toString());
        env.put("FACESTREAM_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort());
        env.put("FACESTREAM_API_PORT", Integer.toString(apiPort));
        env.put("FACESTREAM_JAVA_OPTS", "-Xmx1g -Djava.io.tmpdir=" + tmp);
        env.put("TMPDIR", tmp.toString());

        List<String> notRun = new ArrayList<>();
        List<Ran> background = new ArrayList<>();
        List<Ran> all = new ArrayList<>();
        try {
            for (String command : commands) {
                String skipped = NOT_RUN.keySet().stream()
                        .filter(command::startsWith)
                        .findFirst()
                        .orElse(null);
                if (skipped != null) {
                    notRun.add(skipped);
                    continue;
                }
                Matcher export = EXPORT.matcher(command);
                if (export.matches()) {
                    env.put(export.group(1), export.group(2));
                    continue;
                }
                boolean inBackground = command.endsWith("&");
                String line = inBackground
                        ? command.substring(0, command.length() - 1).strip()
                        : command;
                Ran ran = start(line, clone, env, all.size());
                all.add(ran);
                if (inBackground) {
                    background.add(ran);
                    Await.until("'" + line + "' running (its 'Ctrl-C stops' line)", Duration.ofMinutes(3), () -> {
                        if (!ran.process().isAlive()) {
                            throw new AssertionError(
                                    "'" + line + "' exited " + ran.process().exitValue() + ": " + ran.stderr());
                        }
                        return ran.stderr().contains("Ctrl-C stops");
                    });
                } else {
                    assertThat(ran.process().waitFor(10, TimeUnit.MINUTES))
                            .as(line)
                            .isTrue();
                    assertThat(ran.process().exitValue())
                            .as("'%s' exits 0; stderr: %s", line, ran.stderr())
                            .isZero();
                }
            }
            assertThat(notRun).containsExactlyInAnyOrderElementsOf(NOT_RUN.keySet());

            // keys create on the fresh clone made secrets/ for its owner only
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clone.resolve("secrets"))))
                    .isEqualTo("rwx------");
            // the ingested clip comes out of the API as identity events, Lin-Manuel Miranda among them
            String key = output(all, "./facestream api-key create").stdout().strip();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode events = Await.until(
                    "identity events of lin_manuel_miranda in the API",
                    Duration.ofMinutes(3),
                    () -> Json.MAPPER.readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(
                                                    "http://127.0.0.1:" + apiPort + "/api/v1/events?limit=500"))
                                            .header("Authorization", "Bearer " + key)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body()),
                    body -> body.path("events").findValuesAsText("subject").contains("lin_manuel_miranda"));
            System.err.printf(
                    "README quick start: %d events in the API%n",
                    events.get("count").asInt());
            // the demo printed its events and a summary on stdout
            assertThat(output(all, "./facestream demo").stdout()).contains("\"summary\"");
        } finally {
            for (int i = background.size() - 1; i >= 0; i--) {
                Process p = background.get(i).process();
                p.destroy(); // SIGTERM to the launcher, which passes it on to the JVM
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            // the links, not what they point at (JUnit would warn while deleting the scratch directory)
            Files.deleteIfExists(clone.resolve("facestream"));
            Files.deleteIfExists(dir.resolve("shared"));
        }
        for (Ran ran : all) {
            String output = ran.stdout() + ran.stderr();
            assertThat(output.lines().filter(l -> l.startsWith("WARNING")))
                    .as("JVM warnings of '%s'", ran.command())
                    .isEmpty();
            assertThat(output).as("output of '%s'", ran.command()).doesNotContain("Unable to register Log4j");
            assertThat(output).as("output of '%s'", ran.command()).doesNotContain("\tat ");
        }
        for (String role :
                List.of("./facestream demo", "./facestream enroll", "./facestream worker", "./facestream api ")) {
            assertThat(output(all, role).stderr().split(LICENCE_NOTICE, -1))
                    .as("the licence notice in the output of %s, once", role)
                    .hasSize(2);
        }
    }

    /** The logical shell lines of the code blocks of the section "Two commands", continuations joined. */
    static List<String> commands(String readme) {
        int from = readme.indexOf("\n## Two commands\n");
        int to = readme.indexOf("\n## ", from + 1);
        assertThat(from).as("README's section 'Two commands'").isPositive();
        Matcher blocks = CODE_BLOCK.matcher(readme.substring(from, to));
        List<String> out = new ArrayList<>();
        while (blocks.find()) {
            String joined = blocks.group(1).replace("\\\n", " ");
            for (String raw : joined.split("\n")) {
                String line = raw.replaceAll("\\s+#\\s.*$", "").strip().replaceAll("\\s+", " ");
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    private Ran start(String line, Path cwd, Map<String, String> env, int index) throws IOException {
        Path out = dir.resolve("cmd-" + index + ".out");
        Path err = dir.resolve("cmd-" + index + ".err");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec " + line)
                .directory(cwd.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("FACESTREAM_"));
        pb.environment().putAll(env);
        return new Ran(line, out, err, pb.start());
    }

    private static Ran output(List<Ran> all, String prefix) {
        return all.stream()
                .filter(r -> r.command().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no command starting with " + prefix));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facestream.events.Json;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: a real video through the real in-process KRaft broker, the real ONNX
 * models, the Kafka Streams matcher with RocksDB, to CloudEvents identity events on stdout.
 */
@Tag("e2e")
class DemoEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void hamiltonClipNamesLinManuelOnStageAndObamaInTheAudienceButNeverBiden() throws Exception {
        List<JsonNode> lines = runDemo("--fast", "--data", dir.toString());
        List<JsonNode> events = new ArrayList<>();
        JsonNode summary = null;
        for (JsonNode node : lines) {
            if (node.has("summary")) {
                summary = node.get("summary");
            } else {
                events.add(node);
            }
        }
        assertThat(summary).as("a summary line").isNotNull();
        System.err.println("demo summary: " + summary);
        assertThat(summary.get("frames").asInt()).isEqualTo(46);
        assertThat(summary.get("events").asInt()).isEqualTo(events.size());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("specversion").asText()).isEqualTo("1.0");
            assertThat(e.get("type").asText()).isEqualTo("org.facestream.identity.v1");
            assertThat(e.get("data").get("modelPackId").asText()).isEqualTo("yunet-w600k-int8");
        });
        List<JsonNode> lin = events.stream()
                .filter(e -> e.get("subject").asText().equals("lin_manuel_miranda"))
                .toList();
        List<JsonNode> obama = events.stream()
                .filter(e -> e.get("subject").asText().equals("obama"))
                .toList();
        // the worker embeds a track's best shots, so an event per shot: a few per person, not one per frame
        assertThat(lin).as("lin_manuel_miranda on stage").hasSizeGreaterThanOrEqualTo(3);
        assertThat(obama).as("obama in the audience").hasSizeGreaterThanOrEqualTo(1);
        assertThat(summary.get("facesSeen").asInt())
                .as("faces seen, most not embedded")
                .isGreaterThan(2 * summary.get("facesEmbedded").asInt());
        assertThat(events)
                .allSatisfy(
                        e -> assertThat(e.at("/data/frameSequence").asLong()).isNotNegative());
        // obama is seen from about 8 s: frames sampled at 5 fps, so sequence 35 and later
        assertThat(obama)
                .allSatisfy(e ->
                        assertThat(e.get("data").get("frameSequence").asLong()).isGreaterThanOrEqualTo(35));
        assertThat(events)
                .noneSatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo("biden"));
        // every event id is distinct: no observation decided twice
        assertThat(events.stream().map(e -> e.get("id").asText()).distinct().count())
                .isEqualTo(events.size());
    }

    /** The adaptive policy, deciding per track: the production combination, on the real broker and RocksDB. */
    @Test
    void adaptivePolicyPublishesVersionedThresholdsThatTheTrackDecisionsCarry() throws Exception {
        Path cohort = dir.resolve("cohort");
        java.nio.file.Files.createDirectories(cohort);
        for (String person : List.of(
                "bbt_amy",
                "bbt_howard",
                "bbt_leonard",
                "bbt_penny",
                "bbt_raj",
                "bbt_sheldon",
                "kit_harington",
                "rose_leslie")) {
            java.nio.file.Files.createSymbolicLink(
                    cohort.resolve(person), SharedData.faces().resolve("people").resolve(person));
        }
        List<JsonNode> lines = runDemo(
                "--data",
                dir.resolve("run").toString(),
                "-D",
                "matcher.threshold.policy=adaptive-fpir",
                "-D",
                "matcher.cohort.dir=" + cohort,
                "-D",
                "matcher.tracks=true",
                // the matcher's re-decisions need a few shots per track: detect every frame, as before the interval
                "-D",
                "worker.detect.every=1");
        JsonNode summary = lines.stream()
                .filter(n -> n.has("summary"))
                .findFirst()
                .orElseThrow()
                .get("summary");
        List<JsonNode> events = lines.stream().filter(n -> !n.has("summary")).toList();
        // one event per track decision, not per face: tracks start, and are decided again as their evidence doubles
        assertThat(events)
                .allSatisfy(e -> assertThat(e.at("/data/track/trackId").asText())
                        .matches("demo-cam/[0-9a-f]{16}/t[0-9]+\\.[0-9]+"));
        // the worker already embeds only best shots (faces = observations), so at most one decision each, and
        // fewer than the faces it detected
        assertThat(events.size())
                .isLessThanOrEqualTo(summary.get("faces").asInt())
                .isLessThan(summary.get("facesSeen").asInt());
        assertThat(events.stream().map(e -> e.get("id").asText()).distinct().count())
                .isEqualTo(events.size());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("subject").asText()).isEqualTo("lin_manuel_miranda");
            assertThat(e.at("/data/track/decision").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(e.at("/data/track/observations").asInt()).isGreaterThanOrEqualTo(4);
        });
        assertThat(events)
                .isNotEmpty()
                .allSatisfy(
                        e -> assertThat(e.at("/data/threshold/policy").asText()).isEqualTo("adaptive-fpir"));
        // the aggregator publishes while the video plays (paced at media speed): later events carry a published version
        assertThat(events.stream()
                        .mapToLong(e -> e.at("/data/threshold/version").asLong())
                        .max()
                        .orElse(0))
                .isGreaterThanOrEqualTo(1);
        assertThat(events).anySatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo("lin_manuel_miranda"));
        assertThat(events)
                .noneSatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo("biden"));
    }

    /** Runs the demo on the hamilton clip with lin_manuel_miranda, obama and biden enrolled; stdout as JSON lines. */
    private static List<JsonNode> runDemo(String... extra) throws Exception {
        String people = SharedData.faces().resolve("people").toString();
        List<String> args = new ArrayList<>(List.of(
                "demo",
                "--models",
                SharedData.models().toString(),
                "--video",
                SharedData.video("hamilton-clip-640x360.mp4").toString(),
                "--enroll",
                "lin_manuel_miranda=" + people + "/lin_manuel_miranda/lin-manuel-miranda.png",
                "--enroll",
                "obama=" + people + "/obama/obama.jpg",
                "--enroll",
                "biden=" + people + "/biden/biden.jpg",
                "--until-end"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = FaceStreamCli.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        return lines;
    }
}

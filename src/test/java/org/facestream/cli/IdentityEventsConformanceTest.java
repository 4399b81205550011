package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.kafka.CloudEventDeserializer;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.api.ApiKeys;
import org.facestream.api.Role;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity events as third-party consumers see them, on the real in-process broker: the same file ingested twice
 * as the same camera (its frame sequence restarts at 0) and one observation delivered twice. The official
 * CloudEvents Kafka deserializer ({@code io.cloudevents:cloudevents-kafka}) reads every record; CloudEvents
 * {@code source} + {@code id} differ between distinct observations and repeat only for the copy; the API holds
 * every distinct event and shows the camera's newest ingest run.
 */
@Tag("e2e")
class IdentityEventsConformanceTest {
    private static final String CAMERA = "cam-hamilton";
    private static final String VIEWER_KEY = ApiKeys.mint();

    @TempDir
    Path dir;

    @Test
    void cloudEventsSdkReadsEveryEventAndIdsRepeatOnlyForCopiesOfOneObservation() throws Exception {
        Path keyFile = dir.resolve("api.keys");
        Files.writeString(keyFile, ApiKeys.line("viewer-1", Role.VIEWER, VIEWER_KEY) + "\n");
        int apiPort = freePort();
        CommonOptions common = new CommonOptions();
        common.models = SharedData.models();
        var setup = new InProcessPipeline.Setup(
                common,
                Map.of(FaceStreamConfig.INGEST_FPS, "2", FaceStreamConfig.API_KEYS_FILE, keyFile.toString()),
                dir.resolve("run"),
                Map.of(
                        "lin_manuel_miranda",
                        List.of(SharedData.face("people/lin_manuel_miranda/lin-manuel-miranda.png"))),
                Optional.empty(),
                OptionalInt.of(apiPort));
        try (InProcessPipeline p = InProcessPipeline.start(setup, new MetricsRegistry())) {
            String video = SharedData.video("hamilton-clip-640x360.mp4").toString();
            IngestSettings settings = IngestSettings.fromConfig(p.cfg(), CAMERA);
            List<String> runs = new ArrayList<>();
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) { // the same file as the same camera, twice: sequences restart at 0
                try (CameraIngest ingest = p.openCamera(video, settings)) {
                    runs.add(ingest.ingestRun());
                    sent.add(ingest.run().sent());
                }
            }
            assertThat(runs.get(0)).isNotEqualTo(runs.get(1));
            assertThat(sent.get(0)).isGreaterThan(10).isEqualTo(sent.get(1));
            p.drain();

            // one observation delivered twice (a producer retrying outside a transaction, a replayed topic)
            ConsumerRecord<byte[], byte[]> copied = firstRecord(p, Topics.FACES);
            FaceObservation observation = EventSerdes.faces().deserialize(Topics.FACES, copied.value());
            long before = p.tap().eventCount();
            try (var producer = new KafkaProducer<>(
                    p.cfg().kafkaClientSettings(), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.FACES, copied.key(), copied.value()))
                        .get();
            }
            Await.until(
                    "the matcher's event for the copied observation",
                    Duration.ofSeconds(60),
                    () -> p.tap().eventCount() == before + 1);
            p.drain();

            List<ConsumerRecord<String, byte[]>> raw = readAll(p, new ByteArrayDeserializer());
            List<ConsumerRecord<String, CloudEvent>> sdk = readAll(p, new CloudEventDeserializer());
            assertThat(raw).hasSize((int) before + 1);
            assertThat(sdk).as("records the CloudEvents SDK read").hasSameSizeAs(raw);
            assertThat(raw)
                    .allSatisfy(r -> assertThat(new String(
                                    r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                            .isEqualTo("application/cloudevents+json; charset=UTF-8"));
            List<IdentityEvent> ours = raw.stream()
                    .map(r -> EventSerdes.identities().deserialize(Topics.IDENTITIES, r.value()))
                    .toList();
            for (int i = 0; i < sdk.size(); i++) {
                CloudEvent ce = sdk.get(i).value();
                IdentityEvent e = ours.get(i);
                assertThat(ce.getSpecVersion()).isEqualTo(SpecVersion.V1);
                assertThat(ce.getType()).isEqualTo(IdentityEvent.TYPE);
                assertThat(ce.getSource()).isEqualTo(URI.create(IdentityEventSerde.SOURCE + "/" + CAMERA));
                assertThat(ce.getId()).isEqualTo(e.id());
                assertThat(ce.getSubject()).isEqualTo(e.subjectOrUnknown());
                assertThat(ce.getDataContentType()).isEqualTo("application/json");
                assertThat(Json.MAPPER.readValue(ce.getData().toBytes(), IdentityEvent.class))
                        .isEqualTo(e);
            }

            // source + id: one repeat, the copy's; the ids of both runs start at frame 0 and never meet
            Map<String, Long> bySourceAndId = sdk.stream()
                    .collect(Collectors.groupingBy(
                            r -> r.value().getSource() + " " + r.value().getId(), Collectors.counting()));
            assertThat(bySourceAndId.values().stream().filter(n -> n > 1).toList())
                    .containsExactly(2L);
            assertThat(bySourceAndId)
                    .containsEntry(IdentityEventSerde.SOURCE + "/" + CAMERA + " " + observation.observationId(), 2L);
            Set<String> firstRun = framesOf(ours, runs.get(0));
            Set<String> secondRun = framesOf(ours, runs.get(1));
            assertThat(firstRun).as("faces decided in the first run").hasSizeGreaterThan(5);
            Set<String> both = new HashSet<>(firstRun);
            both.retainAll(secondRun);
            assertThat(both)
                    .as("frame/face numbers both runs used, which once gave equal ids")
                    .isNotEmpty();

            System.err.printf(
                    "identity events: %d records, the CloudEvents SDK read %d, %d distinct source+id; runs %s%n",
                    raw.size(), sdk.size(), bySourceAndId.size(), runs);
            // the API holds every distinct event and shows the newest run of the camera
            HttpClient http = HttpClient.newHttpClient();
            JsonNode events = Await.until(
                    "every distinct event in the API",
                    Duration.ofSeconds(60),
                    () -> get(http, apiPort, "/api/v1/events?limit=2000"),
                    body -> body.get("count").asInt() >= bySourceAndId.size());
            assertThat(events.get("count").asInt()).isEqualTo(bySourceAndId.size());
            JsonNode camera =
                    get(http, apiPort, "/api/v1/cameras").get("cameras").get(0);
            assertThat(camera.get("cameraId").asText()).isEqualTo(CAMERA);
            assertThat(camera.get("lastIngestRun").asText()).isEqualTo(runs.get(1));
        }
    }

    /** {@code frameSequence/faceIndex} of the events of one ingest run. */
    private static Set<String> framesOf(List<IdentityEvent> events, String run) {
        return events.stream()
                .filter(e -> run.equals(e.ingestRun()))
                .map(e -> e.frameSequence() + "/" + e.faceIndex())
                .collect(Collectors.toSet());
    }

    private static ConsumerRecord<byte[], byte[]> firstRecord(InProcessPipeline p, String topic) throws Exception {
        Map<String, Object> c = consumerSettings(p);
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = p.endOffsets(topic).entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(Map.Entry::getKey)
                    .toList();
            consumer.assign(partitions.subList(0, 1));
            consumer.seekToBeginning(partitions.subList(0, 1));
            return Await.until(
                            "a record of " + topic,
                            Duration.ofSeconds(30),
                            () -> consumer.poll(Duration.ofMillis(200)),
                            records -> !records.isEmpty())
                    .iterator()
                    .next();
        }
    }

    /** Every committed record of the identities topic, read with {@code values}. */
    private static <V> List<ConsumerRecord<String, V>> readAll(InProcessPipeline p, Deserializer<V> values)
            throws Exception {
        Map<TopicPartition, Long> ends = p.endOffsets(Topics.IDENTITIES);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerSettings(p), new StringDeserializer(), values)) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Await.until("the identities topic read to its end", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    private static Map<String, Object> consumerSettings(InProcessPipeline p) {
        Map<String, Object> c = new HashMap<>(p.cfg().kafkaClientSettings());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return c;
    }

    private static JsonNode get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + VIEWER_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

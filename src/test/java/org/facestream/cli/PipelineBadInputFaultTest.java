package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.align.FaceAligner;
import org.facestream.api.KafkaFeeds;
import org.facestream.api.KafkaGalleryView;
import org.facestream.api.LiveFeed;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SealedPayloads;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.embed.Embedding;
import org.facestream.embed.FaceEmbedder;
import org.facestream.embed.OnnxFaceEmbedder;
import org.facestream.enroll.Enroller;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Json;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherService;
import org.facestream.match.ThresholdSettings;
import org.facestream.match.Tracking;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ExecutionProvider;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxOptions;
import org.facestream.model.VerifiedPack;
import org.facestream.testing.Await;
import org.facestream.testing.BadBytes;
import org.facestream.testing.Embeddings;
import org.facestream.testing.Galleries;
import org.facestream.testing.GalleryKeys;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.worker.VisionWorker;
import org.facestream.worker.WorkerClients;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/**
 * Bad input on the real broker, through the real worker (real models), the Kafka Streams matcher (RocksDB),
 * the identity tap and the API's live feed and gallery view, all at once: bad frames, bad observations, bad
 * gallery records and unreadable identity events mixed with good ones. Every bad record is on the
 * dead-letter topic with its stage, reason and exact source topic, partition and offset (or, for gallery
 * and identity records, skipped and counted by their consumers), every good input produced its identity
 * event, and every consumer is still reading at the end.
 */
@Tag("fault")
class PipelineBadInputFaultTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;
    private static final FaceQuality QUALITY = new FaceQuality(0.9f, 40, 200, 0, 0, 20);

    @TempDir
    Path dir;

    @Test
    void badFramesObservationsGalleryRecordsAndEventsAreDeadLetteredOrSkippedAndEveryGoodInputBecomesAnEvent()
            throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
            }
            GalleryRecord obama;
            GalleryRecord biden;
            try (FaceAnalyzer portraits = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK))) {
                Enroller enroller = new Enroller(portraits);
                obama = enroller.enroll("obama", List.of(SharedData.face("people/obama/obama.jpg")));
                biden = enroller.enroll("biden", List.of(SharedData.face("people/biden/biden.jpg")));
            }
            MasterKeys masterKeys = MasterKeys.ephemeral();
            Galleries.publish(kafka, masterKeys, Map.of("obama", obama, "biden", biden));
            GalleryKeys brokenWriter = new GalleryKeys(masterKeys);

            Map<String, Long> badGallery = new TreeMap<>();
            Map<String, RecordMetadata> frameAt = new TreeMap<>();
            Map<String, RecordMetadata> faceAt = new TreeMap<>();
            try (var producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
                // gallery: junk, a plaintext record from before encryption, and a template with NaN sealed under the
                // subject's own key (only a broken writer holding the key can put one there): all refused by the
                // matcher and the API's view
                byte[] plaintext = Json.MAPPER.writeValueAsBytes(
                        new GalleryRecord("eve", "eve", obama.templates(), PACK.id(), Instant.now()));
                GalleryRecord trudy = new GalleryRecord("trudy", "trudy", obama.templates(), PACK.id(), Instant.now());
                byte[] nanPayload = new String(SealedPayloads.payload(trudy), java.nio.charset.StandardCharsets.UTF_8)
                        .replaceFirst("\"embedding\":\\[[^,]+,", "\"embedding\":[\"NaN\",")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                badGallery.put(
                        "mallory",
                        producer.send(new ProducerRecord<>(Topics.GALLERY, "mallory", new byte[] {'{', 1, 2}))
                                .get()
                                .offset());
                badGallery.put(
                        "eve",
                        producer.send(new ProducerRecord<>(Topics.GALLERY, "eve", plaintext))
                                .get()
                                .offset());
                producer.send(new ProducerRecord<>(Topics.SUBJECT_KEYS, "trudy", brokenWriter.keyBytes("trudy")))
                        .get();
                badGallery.put(
                        "trudy",
                        producer.send(new ProducerRecord<>(
                                        Topics.GALLERY, "trudy", brokenWriter.sealedBytes(trudy, nanPayload)))
                                .get()
                                .offset());
                // identities: bytes no consumer can read, ahead of the matcher's events
                producer.send(new ProducerRecord<>(Topics.IDENTITIES, "cam-w", new byte[] {7, 7, 7}))
                        .get();
                producer.send(new ProducerRecord<>(
                                Topics.IDENTITIES,
                                "cam-w",
                                "{\"specversion\":\"1.0\",\"type\":\"org.facestream.identity.v1\"}"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .get();

                byte[] obamaJpeg = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
                Instant now = Instant.now();
                frameAt.put("good-0", send(producer, Topics.FRAMES, "cam-w", frame(0, now, obamaJpeg)));
                frameAt.put(
                        "corrupt-image",
                        send(producer, Topics.FRAMES, "cam-w", frame(1, now, BadBytes.corruptedAfter(obamaJpeg, 600))));
                frameAt.put(
                        "deserialization-failed", send(producer, Topics.FRAMES, "cam-w", new byte[] {1, 2, 3, 4, 5}));
                frameAt.put(
                        "frame-too-large", send(producer, Topics.FRAMES, "cam-w", frame(3, now, new byte[700_000])));
                frameAt.put(
                        "image-too-large",
                        send(producer, Topics.FRAMES, "cam-w", frame(4, now, BadBytes.jpegDeclaring(60000, 60000))));
                frameAt.put(
                        "corrupt-image truncated",
                        send(producer, Topics.FRAMES, "cam-w", frame(5, now, java.util.Arrays.copyOf(obamaJpeg, 40))));
                frameAt.put("null-frame", send(producer, Topics.FRAMES, "cam-w", null));
                frameAt.put(
                        "embedding-not-finite",
                        send(
                                producer,
                                Topics.FRAMES,
                                "cam-w",
                                frame(7, now, Files.readAllBytes(SharedData.face("people/biden/biden.jpg")))));
                frameAt.put(
                        "good-8 two faces",
                        send(
                                producer,
                                Topics.FRAMES,
                                "cam-w",
                                frame(8, now, Files.readAllBytes(SharedData.face("groups/kit_with_rose.jpg")))));
                frameAt.put("good-9", send(producer, Topics.FRAMES, "cam-w", frame(9, now, obamaJpeg)));

                float[] obamaTemplate = obama.templates().get(0).embedding();
                // a record cannot hold NaN, but the wire can
                faceAt.put(
                        "embedding-not-finite",
                        send(
                                producer,
                                Topics.FACES,
                                "cam-o",
                                withNan(
                                        EventSerdes.faces()
                                                .serialize(Topics.FACES, observation(1, obamaTemplate, PACK.id())),
                                        11)));
                faceAt.put(
                        "model-pack-mismatch",
                        send(
                                producer,
                                Topics.FACES,
                                "cam-o",
                                EventSerdes.faces()
                                        .serialize(Topics.FACES, observation(2, obamaTemplate, "scrfd-arcface-r50"))));
                faceAt.put(
                        "embedding-dimension-mismatch",
                        send(
                                producer,
                                Topics.FACES,
                                "cam-o",
                                EventSerdes.faces()
                                        .serialize(
                                                Topics.FACES,
                                                observation(
                                                        3, Embeddings.unit(new java.util.Random(3), 128), PACK.id()))));
                faceAt.put(
                        "deserialization-failed",
                        send(
                                producer,
                                Topics.FACES,
                                "cam-o",
                                "{\"observationId\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                faceAt.put(
                        "good-4",
                        send(
                                producer,
                                Topics.FACES,
                                "cam-o",
                                EventSerdes.faces()
                                        .serialize(
                                                Topics.FACES,
                                                observation(
                                                        4,
                                                        Embeddings.atCosine(
                                                                obamaTemplate, 0.8, new java.util.Random(4)),
                                                        PACK.id()))));
                producer.flush();
            }

            MetricsRegistry workerMetrics = new MetricsRegistry();
            MetricsRegistry matcherMetrics = new MetricsRegistry();
            LiveFeed live = LiveFeed.defaults();
            WorkerConfig wc = new WorkerConfig(
                    "bad-0", 8, 600_000, 40_000_000L, new FaceQuality.Gate(0.6, 6), false, Duration.ofMillis(100));
            MatcherConfig mc = new MatcherConfig(5, PACK.id(), PACK.embeddingDimension(), false);
            try (FaceAnalyzer analyzer =
                            analyzerThatBreaksOn(biden.templates().get(0).embedding());
                    VisionWorker worker = new VisionWorker(wc, WorkerClients.kafka(kafka), analyzer, workerMetrics);
                    MatcherService matcher = new MatcherService(
                            new MatcherService.Spec(
                                    mc,
                                    new ThresholdSettings.Fixed(PACK.defaultCosineThreshold()),
                                    Tracking.PER_FACE,
                                    kafka,
                                    dir.resolve("state"),
                                    "bad"),
                            masterKeys,
                            TestAuditKeys.keys(),
                            matcherMetrics);
                    IdentityEventTap tap = new IdentityEventTap(kafka, null, new MetricsRegistry());
                    KafkaFeeds feeds = KafkaFeeds.start(kafka, live);
                    KafkaGalleryView galleryView = KafkaGalleryView.start(kafka, masterKeys)) {
                Thread workerThread =
                        Thread.ofPlatform().name("bad-input-worker").start(worker);
                Thread tapThread = Thread.ofPlatform().name("bad-input-tap").start(tap);
                matcher.start(Duration.ofMinutes(2));

                List<ConsumerRecord<byte[], byte[]>> dead =
                        consume(kafka, Topics.DEADLETTER, 11, Duration.ofSeconds(120));
                Await.until(
                        "the 5 good inputs' events in the tap and the live feed",
                        Duration.ofSeconds(60),
                        () -> tap.eventCount() >= 5 && live.events().size() >= 5);

                // every good input became its event, and nothing else did
                Map<String, String> events = new TreeMap<>();
                live.events().newest(100, e -> true).forEach(e -> events.put(e.id(), e.subjectOrUnknown()));
                assertThat(events.keySet())
                        .containsExactlyInAnyOrder("cam-w/0/0", "cam-w/8/0", "cam-w/8/1", "cam-w/9/0", "cam-o/4/0");
                assertThat(events)
                        .containsEntry("cam-w/0/0", "obama")
                        .containsEntry("cam-w/9/0", "obama")
                        .containsEntry("cam-o/4/0", "obama");
                assertThat(tap.eventCount())
                        .as("the tap read past the unreadable events")
                        .isEqualTo(5);
                assertThat(tap.countsBySubject()).containsEntry("obama", 3);

                // every bad frame and observation is a dead letter with its reason and exact source
                assertThat(dead).hasSize(11);
                Map<String, String> found = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> r : dead) {
                    String where = DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC) + "-"
                            + DeadLetters.header(r.headers(), DeadLetters.HEADER_PARTITION) + "@"
                            + DeadLetters.header(r.headers(), DeadLetters.HEADER_OFFSET);
                    found.put(
                            where,
                            DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE) + " "
                                    + DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON));
                }
                Map<String, String> expected = new TreeMap<>();
                frameAt.forEach((what, m) -> {
                    if (!what.startsWith("good")) {
                        expected.put(
                                m.topic() + "-" + m.partition() + "@" + m.offset(), "worker " + what.split(" ")[0]);
                    }
                });
                faceAt.forEach((what, m) -> {
                    if (!what.startsWith("good")) {
                        expected.put(m.topic() + "-" + m.partition() + "@" + m.offset(), "matcher " + what);
                    }
                });
                assertThat(found).isEqualTo(expected);
                ConsumerRecord<byte[], byte[]> junk = dead.stream()
                        .filter(r -> "worker".equals(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE))
                                && "deserialization-failed"
                                        .equals(DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON)))
                        .findFirst()
                        .orElseThrow();
                assertThat(junk.value()).containsExactly(1, 2, 3, 4, 5);
                assertThat(new String(junk.key(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("cam-w");
                assertThat(dead)
                        .anySatisfy(r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_DETAIL))
                                .isEqualTo("expected a JPEG of at most 600000 bytes, found a record of 700051 bytes"));
                assertThat(dead)
                        .anySatisfy(
                                r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_DETAIL))
                                        .isEqualTo(
                                                "expected at most 40000000 pixels, found 60000x60000 declared in the JPEG header"));
                assertThat(dead)
                        .anySatisfy(r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.HEADER_DETAIL))
                                .isEqualTo("expected finite embedding values, found NaN at index 0"));

                // and each is counted where it was refused
                assertThat(workerMetrics.byLabel("deadletter_total"))
                        .isEqualTo(Map.of(
                                "reason=\"corrupt-image\"",
                                2L,
                                "reason=\"deserialization-failed\"",
                                1L,
                                "reason=\"frame-too-large\"",
                                1L,
                                "reason=\"image-too-large\"",
                                1L,
                                "reason=\"null-frame\"",
                                1L,
                                "reason=\"embedding-not-finite\"",
                                1L));
                assertThat(workerMetrics.total("worker_frames_total")).isEqualTo(10);
                assertThat(workerMetrics.total("worker_faces_total")).isEqualTo(4);
                assertThat(matcherMetrics.byLabel("deadletter_total"))
                        .isEqualTo(Map.of(
                                "reason=\"embedding-not-finite\"",
                                1L,
                                "reason=\"model-pack-mismatch\"",
                                1L,
                                "reason=\"embedding-dimension-mismatch\"",
                                1L,
                                "reason=\"deserialization-failed\"",
                                1L));
                assertThat(matcher.metrics().gallerySkipped(DeadLetters.Reason.DESERIALIZATION_FAILED))
                        .isEqualTo(2);
                assertThat(matcher.metrics().gallerySkipped(DeadLetters.Reason.INVALID_RECORD))
                        .as("the sealed NaN template")
                        .isEqualTo(1);
                assertThat(matcherMetrics.byLabel("matcher_gallery_skipped_total"))
                        .isEqualTo(Map.of("reason=\"deserialization-failed\"", 2L, "reason=\"invalid-record\"", 1L));
                assertThat(matcher.metrics().gallerySubjects()).isEqualTo(2);
                Await.until(
                        "the 11 dead letters in the live feed",
                        Duration.ofSeconds(60),
                        () -> live.deadLetters().total() >= 11);
                assertThat(live.deadLetters().byStageAndReason())
                        .isEqualTo(Map.of(
                                "worker",
                                        Map.of(
                                                "corrupt-image",
                                                2L,
                                                "deserialization-failed",
                                                1L,
                                                "frame-too-large",
                                                1L,
                                                "image-too-large",
                                                1L,
                                                "null-frame",
                                                1L,
                                                "embedding-not-finite",
                                                1L),
                                "matcher",
                                        Map.of(
                                                "embedding-not-finite",
                                                1L,
                                                "model-pack-mismatch",
                                                1L,
                                                "embedding-dimension-mismatch",
                                                1L,
                                                "deserialization-failed",
                                                1L)));
                assertThat(galleryView.subjects()).containsOnlyKeys("obama", "biden");
                assertThat(badGallery).containsOnlyKeys("mallory", "eve", "trudy");

                // still running: a good frame after all of it becomes an event
                try (var producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
                    send(
                            producer,
                            Topics.FRAMES,
                            "cam-w",
                            frame(10, Instant.now(), Files.readAllBytes(SharedData.face("people/obama/obama.jpg"))));
                }
                Await.until(
                        "the event of a good frame after the bad input",
                        Duration.ofSeconds(60),
                        () -> tap.eventCount() >= 6);
                assertThat(tap.eventCount()).isEqualTo(6);
                assertThat(workerThread.isAlive()).isTrue();
                assertThat(matcher.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
                worker.close();
                tap.close();
                workerThread.join(10_000);
                tapThread.join(10_000);
            }
        }
    }

    /**
     * The real detector and embedder, except that the embedder returns NaN for the face whose real embedding is
     * close to {@code poisoned}: a model that breaks on one input, as a corrupt model file or a numerical
     * overflow on an unusual crop would.
     */
    private static FaceAnalyzer analyzerThatBreaksOn(float[] poisoned) {
        VisionOptions options = VisionOptions.defaults(PACK);
        VerifiedPack files = ModelFiles.verify(PACK, SharedData.models());
        OnnxOptions onnx = new OnnxOptions(1, ExecutionProvider.CPU);
        FaceDetector detector = FaceDetector.open(
                PACK.detectorKind(),
                files.detectorPath(),
                new DetectorSettings(options.detectorInputSize(), options.scoreThreshold(), options.nmsIouThreshold()),
                onnx);
        FaceEmbedder real = OnnxFaceEmbedder.open(files.embedderPath(), PACK, false, onnx);
        FaceEmbedder breaking = new FaceEmbedder() {
            @Override
            public List<Embedding> embed(List<Mat> crops) {
                List<Embedding> out = new ArrayList<>();
                for (Embedding e : real.embed(crops)) {
                    if (Embedding.cosine(e.vector(), poisoned) > 0.6) {
                        float[] v = e.vector();
                        v[0] = Float.NaN;
                        out.add(new Embedding(v, e.rawNorm()));
                    } else {
                        out.add(e);
                    }
                }
                return out;
            }

            @Override
            public int dimension() {
                return real.dimension();
            }

            @Override
            public void close() {
                real.close();
            }
        };
        return new FaceAnalyzer(PACK, detector, FaceAligner.forPack(PACK), breaking, options, new MetricsRegistry());
    }

    private static byte[] frame(long seq, Instant at, byte[] jpeg) {
        return EventSerdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", seq, at, seq * 200, 640, 360, jpeg));
    }

    private static FaceObservation observation(long seq, float[] embedding, String pack) {
        return new FaceObservation(
                FaceObservation.idOf("cam-o", seq, 0),
                "cam-o",
                seq,
                0,
                Instant.now(),
                Instant.now(),
                640,
                360,
                new BoundingBox(100, 80, 60, 72),
                new float[] {120, 110, 145, 110, 132, 125, 122, 138, 143, 138},
                QUALITY,
                embedding,
                pack,
                null);
    }

    private static byte[] withNan(byte[] observation, int index) throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(observation);
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("embedding"))
                .set(index, Json.MAPPER.getNodeFactory().textNode("NaN"));
        return Json.MAPPER.writeValueAsBytes(tree);
    }

    private static RecordMetadata send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(
            Map<String, Object> kafka, String topic, int expected, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bad-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(out::add); // a little longer, to catch extras
        }
        return out;
    }
}

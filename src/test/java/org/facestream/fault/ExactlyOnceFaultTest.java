package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.facestream.config.IngestSettings;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.ingest.CameraIngest;
import org.facestream.kafka.ConsumerGroupLag;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.FixedThreshold;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherService;
import org.facestream.match.ObservationMatcher;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.ChildProcess;
import org.facestream.testing.Galleries;
import org.facestream.testing.SharedData;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FaceObservations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once, end to end, under faults: the worker and the matcher run as separate processes and are killed
 * with SIGKILL mid-stream and restarted, and the broker is restarted; the identity events afterwards must
 * equal, id for id and subject for subject, those the production classes compute for the same frames without
 * Kafka and without faults: none lost, none duplicated.
 */
@Tag("fault")
class ExactlyOnceFaultTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;
    private static final int DETECTOR_INPUT = 640;
    private static final double THRESHOLD = PACK.defaultCosineThreshold();

    @TempDir
    Path dir;

    @Test
    void killedWorkerKilledMatcherAndRestartedBrokerLoseAndDuplicateNothing() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        Map<String, GalleryRecord> gallery = new HashMap<>();
        try (FaceAnalyzer portraits = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK))) {
            Enroller enroller = new Enroller(portraits);
            gallery.put(
                    "lin_manuel_miranda",
                    enroller.enroll(
                            "lin_manuel_miranda",
                            List.of(SharedData.face("people/lin_manuel_miranda/lin-manuel-miranda.png"))));
            gallery.put("obama", enroller.enroll("obama", List.of(SharedData.face("people/obama/obama.jpg"))));
            gallery.put("biden", enroller.enroll("biden", List.of(SharedData.face("people/biden/biden.jpg"))));
        }
        Path keyFile = dir.resolve("master.key");
        MasterKey.generate().write(keyFile);
        Galleries.publish(Map.of("bootstrap.servers", bootstrap), MasterKeys.of(MasterKey.read(keyFile)), gallery);
        try (CameraIngest ingest = CameraIngest.open(
                SharedData.video("hamilton-clip-640x360.mp4").toString(),
                bootstrap,
                IngestSettings.defaults("cam-eo").withFps(10))) {
            assertThat(ingest.run().sent()).isGreaterThan(80);
        }
        List<Frame> frames = read(bootstrap, Topics.FRAMES, Integer.MAX_VALUE, Duration.ofSeconds(5)).stream()
                .map(r -> EventSerdes.frames().deserialize(Topics.FRAMES, r.value()))
                .toList();
        Map<String, String> expected = expectedEvents(frames, gallery);
        System.err.printf("fault test: %d frames, %d expected identity events%n", frames.size(), expected.size());

        String[] worker = {
            "worker",
            "--bootstrap",
            bootstrap,
            "--models",
            SharedData.models().toString(),
            "--instance-id",
            "eo",
            "-D",
            "worker.batch.max.frames=1",
            // every face, no motion gate: the exact events of the fault-free run below (a restarted worker starts new
            // tracks, so with best shots it would embed faces the fault-free run does not)
            "-D",
            "worker.embed=every-face",
            "-D",
            "worker.motion.gate=false",
            "-D",
            "vision.detector.input.size=" + DETECTOR_INPUT
        };
        String[] matcher = {
            "matcher",
            "--bootstrap",
            bootstrap,
            "--state-dir",
            dir.resolve("state").toString(),
            "--threshold",
            Double.toString(THRESHOLD),
            "-D",
            "security.master.key.file=" + keyFile
        };
        ChildProcess w = ChildProcess.start(dir.resolve("worker-1.log"), worker);
        ChildProcess m = ChildProcess.start(dir.resolve("matcher-1.log"), matcher);
        try {
            long facesAtKill =
                    awaitCount(bootstrap, Topics.FACES, expected.size() / 4, Duration.ofSeconds(90), w::logText);
            w.kill9();
            System.err.printf(
                    "fault test: worker SIGKILLed after %d committed observations of %d%n",
                    facesAtKill, expected.size());
            w = ChildProcess.start(dir.resolve("worker-2.log"), worker);

            long eventsAtKill =
                    awaitCount(bootstrap, Topics.IDENTITIES, expected.size() / 2, Duration.ofSeconds(90), m::logText);
            m.kill9();
            System.err.printf(
                    "fault test: matcher SIGKILLed after %d committed events of %d%n", eventsAtKill, expected.size());
            m = ChildProcess.start(dir.resolve("matcher-2.log"), matcher);

            long beforeBrokerRestart = awaitCount(
                    bootstrap, Topics.IDENTITIES, expected.size() * 3 / 4, Duration.ofSeconds(120), m::logText);
            broker.close();
            Thread.sleep(1000);
            broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, controllerPort, Map.of());
            System.err.printf(
                    "fault test: broker restarted after %d committed events of %d%n",
                    beforeBrokerRestart, expected.size());

            awaitCount(bootstrap, Topics.IDENTITIES, expected.size(), Duration.ofSeconds(180), () -> "");
            // a barrier instead of a pause: under exactly-once a stage's committed input offsets reach the end only
            // together with the transactions that wrote its outputs, so once the worker has committed every frame and
            // then the matcher every observation, anything that was in flight (a duplicate too) is readable
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                ConsumerGroupLag lag = new ConsumerGroupLag(admin);
                Await.until(
                        "the worker committed every frame",
                        Duration.ofSeconds(120),
                        () -> lag.lag(WorkerConfig.GROUP_ID, Topics.FRAMES) == 0);
                Await.until(
                        "the matcher committed every observation",
                        Duration.ofSeconds(120),
                        () -> lag.lag(MatcherService.APPLICATION_ID, Topics.FACES) == 0);
            }
            Map<String, String> actual = new TreeMap<>();
            List<String> duplicates = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r :
                    read(bootstrap, Topics.IDENTITIES, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
                IdentityEvent e = EventSerdes.identities().deserialize(Topics.IDENTITIES, r.value());
                if (actual.put(e.id(), e.subjectOrUnknown()) != null) {
                    duplicates.add(e.id());
                }
            }
            assertThat(duplicates).as("duplicated identity events").isEmpty();
            assertThat(actual).as("identity events equal the fault-free run").isEqualTo(expected);
            assertThat(actual)
                    .containsValue("lin_manuel_miranda")
                    .containsValue("obama")
                    .doesNotContainValue("biden");
        } finally {
            w.close();
            m.close();
            broker.close();
        }
    }

    /** The fault-free result: the worker's and matcher's own classes applied to the same frames, one at a time. */
    private static Map<String, String> expectedEvents(List<Frame> frames, Map<String, GalleryRecord> gallery) {
        WorkerConfig wc = new WorkerConfig(
                "expected", 1, 4 << 20, 40_000_000L, new FaceQuality.Gate(0.6, 6.0), false, Duration.ofMillis(100));
        GalleryIndex index = new GalleryIndex(PACK.embeddingDimension());
        gallery.values().forEach(index::upsert);
        ObservationMatcher matcher =
                new ObservationMatcher(MatcherConfig.of(PACK.id()), new FixedThreshold(THRESHOLD), index);
        Map<String, String> out = new TreeMap<>();
        VisionOptions options = VisionOptions.defaults(PACK).withDetectorInputSize(DETECTOR_INPUT);
        try (FaceAnalyzer analyzer = FaceAnalyzer.open(PACK, SharedData.models(), options)) {
            for (Frame f : frames) {
                for (FaceObservation o : FaceObservations.of(
                        f, analyzer.analyze(f.jpeg()), Instant.now(), PACK.id(), wc, (r, face) -> {})) {
                    if (matcher.match(o, Instant.now()) instanceof ObservationMatcher.Outcome.Identified id) {
                        out.put(id.event().id(), id.event().subjectOrUnknown());
                    }
                }
            }
        }
        return out;
    }

    /** Waits until {@code topic} holds at least {@code n} committed records; returns the count seen. */
    private static long awaitCount(String bootstrap, String topic, int n, Duration timeout, Supplier<String> log)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            count = read(bootstrap, topic, n, Duration.ofSeconds(2)).size();
            if (count >= n) {
                return count;
            }
        }
        throw new AssertionError("expected " + n + " records on " + topic + " within " + timeout + ", found " + count
                + "\n" + log.get());
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            String bootstrap, String topic, int atLeast, Duration idle) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long lastProgress = System.nanoTime();
            while (out.size() < atLeast && System.nanoTime() - lastProgress < idle.toNanos()) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    records.forEach(out::add);
                    lastProgress = System.nanoTime();
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            // the broker is restarting: report what was read
        }
        return out;
    }
}

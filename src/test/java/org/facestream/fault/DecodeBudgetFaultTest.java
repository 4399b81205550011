package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.BadBytes;
import org.facestream.testing.SharedData;
import org.facestream.vision.DecodeBudgetException;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FrameDecoder;
import org.facestream.worker.VisionWorker;
import org.facestream.worker.WorkerClients;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/**
 * Issue 13, item 4: a 330 kB 6000x6000 progressive JPEG whose last 59-byte scan is repeated 2,000 times passed
 * the pixel guard and cost about 21 ms per scan to decode (45 s): the worker fell 122 frames behind without a
 * dead letter. The decode budget refuses it before decoding: here in milliseconds by the decoder, and on the
 * real broker the worker dead-letters it as {@code decode-budget-exceeded} and keeps up with the frames behind
 * it. The worst JPEG the budget still admits (40 MP, 32 scans) decodes in seconds, far inside the poll interval.
 */
@Tag("fault")
class DecodeBudgetFaultTest {
    @TempDir
    Path dir;

    /** The issue's picture: 6000x6000, ImageIO's progressive mode (10 scans), its last scan repeated 2,000 times. */
    private static byte[] issueScanBomb() {
        return BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(6000, 6000, 13), 2000);
    }

    @Test
    void theIssuesScanBombIsRefusedBeforeDecodingAndTheWorstAdmittedJpegDecodesWithinSeconds() {
        byte[] bomb = issueScanBomb();
        assertThat(bomb.length).as("a few hundred kB").isBetween(100_000, 600_000);
        FrameDecoder decoder = new FrameDecoder(VisionOptions.DEFAULT_MAX_PIXELS);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(DecodeBudgetException.class)
                .hasMessage("expected a JPEG of at most 32 scans (decoding cost grows with pixels times scans), found"
                        + " 2010 scans of 6000x6000 pixels in " + bomb.length + " bytes");
        Duration refusal = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(refusal).as("refused without decoding").isLessThan(Duration.ofSeconds(1));

        // the most the budget admits: 6000x6600 (39.6 MP, under the 40 MP limit) at exactly 32 scans
        byte[] worst = BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(6000, 6600, 14), 22);
        assertThat(FrameDecoder.jpegScans(worst)).isEqualTo(FrameDecoder.DEFAULT_MAX_SCANS);
        long t1 = System.nanoTime();
        Mat image = decoder.decode(worst);
        Duration decoding = Duration.ofNanos(System.nanoTime() - t1);
        try {
            assertThat(image.cols()).isEqualTo(6000);
            assertThat(image.rows()).isEqualTo(6600);
        } finally {
            image.release();
        }
        System.out.printf(
                "scan bomb: %d bytes refused in %d ms; worst admitted (39.6 MP, 32 scans): decoded in %d ms%n",
                bomb.length, refusal.toMillis(), decoding.toMillis());
        assertThat(decoding)
                .as("the worst admitted frame, far inside the worker's 300 s poll interval")
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theWorkerDeadLettersTheScanBombAndKeepsUpWithTheFramesBehindIt() throws Exception {
        byte[] bomb = issueScanBomb();
        byte[] photo = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
            }
            MetricsRegistry metrics = new MetricsRegistry();
            WorkerConfig wc = new WorkerConfig(
                    "budget-0",
                    8,
                    4 << 20,
                    VisionOptions.DEFAULT_MAX_PIXELS,
                    new FaceQuality.Gate(0.6, 6),
                    false,
                    Duration.ofMillis(100));
            try (FaceAnalyzer analyzer = FaceAnalyzer.open(
                            ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
                    VisionWorker worker = new VisionWorker(wc, WorkerClients.kafka(kafka), analyzer, metrics)) {
                Thread.ofPlatform().name("budget-worker").start(worker);
                assertThat(worker.awaitReady(Duration.ofSeconds(60))).isTrue();
                long bombOffset;
                Instant produced;
                try (var producer = new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer())) {
                    Instant now = Instant.now();
                    producer.send(frame(0, now, photo)).get();
                    bombOffset = producer.send(new ProducerRecord<>(
                                    Topics.FRAMES,
                                    "cam-bomb",
                                    EventSerdes.frames()
                                            .serialize(
                                                    Topics.FRAMES,
                                                    new Frame("cam-bomb", 1, now, -1, 6000, 6000, bomb))))
                            .get()
                            .offset();
                    for (int i = 2; i < 12; i++) {
                        producer.send(frame(i, now, photo));
                    }
                    producer.flush();
                    produced = Instant.now();
                }
                // every frame behind the bomb is committed within seconds: the 45 s of decoding never happen
                Await.until(
                        "the worker group committed every frame", Duration.ofSeconds(60), () -> committed(kafka) >= 12);
                Duration caughtUp = Duration.between(produced, Instant.now());
                ConsumerRecord<byte[], byte[]> dead = Await.until(
                                "the scan bomb's dead letter",
                                Duration.ofSeconds(30),
                                () -> deadLetters(kafka),
                                l -> !l.isEmpty())
                        .get(0);
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.HEADER_REASON))
                        .isEqualTo("decode-budget-exceeded");
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.HEADER_STAGE))
                        .isEqualTo("worker");
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.HEADER_OFFSET))
                        .isEqualTo(Long.toString(bombOffset));
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.HEADER_DETAIL))
                        .contains("found 2010 scans of 6000x6000 pixels");
                assertThat(dead.value()).hasSizeGreaterThan(bomb.length);
                assertThat(metrics.total("decode_budget_refusals_total")).isEqualTo(1);
                assertThat(metrics.total("worker_faces_total"))
                        .as("one face in each of the 11 good frames")
                        .isEqualTo(11);
                System.out.printf(
                        "worker: 11 good frames and the scan bomb committed %d ms after producing%n",
                        caughtUp.toMillis());
                assertThat(caughtUp)
                        .as("no lag behind the bomb (decoding it would have taken about 45 s)")
                        .isLessThan(Duration.ofSeconds(20));
            }
        }
    }

    private static ProducerRecord<String, byte[]> frame(long seq, Instant at, byte[] jpeg) {
        FrameDecoder.ImageSize size = FrameDecoder.declaredSize(jpeg);
        return new ProducerRecord<>(
                Topics.FRAMES,
                "cam-bomb",
                EventSerdes.frames()
                        .serialize(
                                Topics.FRAMES, new Frame("cam-bomb", seq, at, -1, size.width(), size.height(), jpeg)));
    }

    /** Frames the worker group has committed, over every partition. */
    private static long committed(Map<String, Object> kafka) throws Exception {
        try (Admin admin = Admin.create(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(WorkerConfig.GROUP_ID)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.values().stream()
                    .filter(o -> o != null)
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(Map<String, Object> kafka) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.DEADLETTER).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}

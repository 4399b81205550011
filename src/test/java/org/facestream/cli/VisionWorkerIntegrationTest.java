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
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.embed.FaceAnalyzer;
import org.facestream.embed.VisionOptions;
import org.facestream.embed.VisionWorker;
import org.facestream.embed.WorkerConfig;
import org.facestream.events.DeadLetters;
import org.facestream.events.FaceObservation;
import org.facestream.events.Frame;
import org.facestream.events.Serdes;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vision worker on the real broker with the real models: good frames become observations, bad frames
 * (corrupt JPEG, bytes that are no frame, a frame over the size limit, a decompression bomb) go to the
 * dead-letter topic with their reason and source in headers, are counted, and the stream goes on.
 */
class VisionWorkerIntegrationTest {
  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      TopicCatalogue.load().ensureTopics(admin);
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void goodFramesBecomeObservationsAndBadFramesAreDeadLetteredWithTheirReason() throws Exception {
    byte[] obama = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
    byte[] corrupt = obama.clone();
    for (int i = 600; i < corrupt.length - 2; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    byte[] truncatedHeader = java.util.Arrays.copyOf(obama, 40);
    byte[] bomb = jpegDeclaring(60000, 60000);
    Instant now = Instant.now();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 0, now, 0, 100, 100, obama)));
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 1, now, 40, 100, 100, corrupt)));
      send(producer, new byte[] {1, 2, 3, 4, 5});
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 2, now, 80, 100, 100, new byte[400_000])));
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 3, now, 120, 100, 100, bomb)));
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 4, now, 160, 100, 100, truncatedHeader)));
      send(producer, Serdes.frames().serialize(Topics.FRAMES, new Frame("cam-w", 5, now, 200, 100, 100, obama)));
      producer.flush();
    }

    MetricsRegistry metrics = new MetricsRegistry();
    var pack = ModelPacks.DEFAULT;
    try (FaceAnalyzer analyzer = FaceAnalyzer.open(pack, SharedData.models(), VisionOptions.defaults(pack));
        VisionWorker worker = new VisionWorker(
            new WorkerConfig("it-0", 8, 300_000, 40_000_000L, 0.6, 6, false, Duration.ofMillis(100)),
            Map.of("bootstrap.servers", broker.bootstrapServers()), analyzer, metrics)) {
      Thread t = Thread.ofPlatform().start(worker);
      List<ConsumerRecord<byte[], byte[]>> faces = consume(Topics.FACES, 2, Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> dead = consume(Topics.DEADLETTER, 5, Duration.ofSeconds(30));
      worker.close();
      t.join(10_000);

      assertThat(faces).hasSize(2);
      List<FaceObservation> obs = faces.stream().map(r -> Serdes.faces().deserialize(Topics.FACES, r.value())).toList();
      assertThat(obs).extracting(FaceObservation::frameSequence).containsExactlyInAnyOrder(0L, 5L);
      assertThat(obs).allSatisfy(o -> {
        assertThat(o.modelPackId()).isEqualTo("yunet-w600k-int8");
        assertThat(o.embedding()).hasSize(512);
        assertThat(o.quality().detectorScore()).isGreaterThan(0.8f);
      });

      Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
      dead.forEach(r -> byReason.put(DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON), r));
      assertThat(byReason).containsOnlyKeys("corrupt-image", "deserialization-failed", "frame-too-large", "image-too-large");
      assertThat(dead).hasSize(5);
      ConsumerRecord<byte[], byte[]> junk = byReason.get("deserialization-failed");
      assertThat(junk.value()).containsExactly(1, 2, 3, 4, 5);
      assertThat(DeadLetters.header(junk.headers(), DeadLetters.HEADER_TOPIC)).isEqualTo(Topics.FRAMES);
      assertThat(DeadLetters.header(junk.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("2");
      assertThat(DeadLetters.header(junk.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("worker");
      assertThat(DeadLetters.header(byReason.get("frame-too-large").headers(), DeadLetters.HEADER_DETAIL))
          .isEqualTo("expected a JPEG of at most 300000 bytes, found a record of 400051 bytes");
      assertThat(DeadLetters.header(byReason.get("image-too-large").headers(), DeadLetters.HEADER_DETAIL))
          .contains("60000x60000");
      assertThat(metrics.byLabel("deadletter_total")).containsEntry("reason=\"corrupt-image\"", 2L)
          .containsEntry("reason=\"deserialization-failed\"", 1L).containsEntry("reason=\"frame-too-large\"", 1L)
          .containsEntry("reason=\"image-too-large\"", 1L);
      assertThat(metrics.total("worker_frames_total")).isEqualTo(7);
    }
  }

  /** A minimal JPEG header (SOI + SOF0) that declares a huge image: the bomb must be refused before decoding. */
  static byte[] jpegDeclaring(int width, int height) {
    return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8,
        (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        (byte) 0xFF, (byte) 0xD9};
  }

  private static void send(KafkaProducer<String, byte[]> producer, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(Topics.FRAMES, "cam-w", value)).get();
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected, Duration timeout) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", broker.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // a little longer, to catch duplicates
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}

package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.config.IngestSettings;
import org.facestream.events.EventSerdes;
import org.facestream.events.Frame;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.ingest.IngestSummary;
import org.facestream.ingest.LatestFrameHandoff;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Video file to Kafka through the real in-process broker. */
class CameraIngestIntegrationTest {
    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicCatalogue.load().ensureTopics(admin);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void ingestsTheHamiltonClipAtFiveFpsIntoFramesTopic() {
        var settings = IngestSettings.defaults("cam-hamilton").withFps(5);
        IngestSummary summary;
        long t0 = System.nanoTime();
        try (var ingest = CameraIngest.open(
                SharedData.video("hamilton-clip-640x360.mp4").toString(), broker.bootstrapServers(), settings)) {
            assertThat(ingest.handoffMode()).isEqualTo(LatestFrameHandoff.Mode.BLOCK);
            summary = ingest.run();
        }
        System.err.printf("ingest of 275 frames at 5 fps: %s, %d ms%n", summary, (System.nanoTime() - t0) / 1_000_000);
        assertThat(summary.grabbed()).isEqualTo(275);
        assertThat(summary.sampled()).isEqualTo(46);
        assertThat(summary.sent()).isEqualTo(46);
        assertThat(summary.dropped()).isZero();
        assertThat(summary.failed()).isZero();
        assertThat(summary.decodeErrors()).isZero();

        List<ConsumerRecord<String, Frame>> records = consume(Topics.FRAMES, "cam-hamilton", 46);
        assertThat(records).hasSize(46);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("cam-hamilton"));
        assertThat(records.stream().map(ConsumerRecord::partition).distinct())
                .as("one camera, one partition")
                .hasSize(1);
        List<Long> sequences = records.stream().map(r -> r.value().sequence()).toList();
        assertThat(sequences)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, 46).boxed().toList());
        List<Long> mediaTimes =
                records.stream().map(r -> r.value().mediaTimeMillis()).toList();
        assertThat(mediaTimes.getFirst()).isZero();
        assertThat(mediaTimes.getLast()).isBetween(8_950L, 9_050L);
        assertThat(mediaTimes).isSorted();
        for (int i = 1; i < mediaTimes.size(); i++) {
            assertThat(mediaTimes.get(i) - mediaTimes.get(i - 1))
                    .as("step %d", i)
                    .isBetween(166L, 234L);
        }

        Frame middle = records.get(23).value();
        assertThat(middle.width()).isEqualTo(640);
        assertThat(middle.height()).isEqualTo(360);
        Mat decoded = Imgcodecs.imdecode(new MatOfByte(middle.jpeg()), Imgcodecs.IMREAD_COLOR);
        try {
            assertThat(decoded.cols()).isEqualTo(640);
            assertThat(decoded.rows()).isEqualTo(360);
            assertThat(org.opencv.core.Core.mean(decoded).val[1])
                    .as("not a blank picture")
                    .isGreaterThan(5);
        } finally {
            decoded.release();
        }
    }

    /**
     * Paced at media speed and sampled to 10 fps, a looping file behaves like a camera: it runs until closed.
     * Nothing here depends on how much happens in a wall-clock interval (a loaded machine only slows it down):
     * the run is awaited to have sent frames, and what is asserted holds at any speed: the media time of every
     * frame sent is no further along than the wall time of the run (paced, never ahead), consecutive frames are
     * about a sampling interval apart in media time, and every sampled frame is accounted for.
     */
    @Test
    void aRealTimeLoopingFileRunsLikeACameraUntilClosed() throws Exception {
        var settings = IngestSettings.defaults("cam-loop")
                .withFps(10)
                .withLoop(true)
                .withRealtime(true)
                .withMaxSide(256);
        var ingest = CameraIngest.open(
                SharedData.video("WDA_KatieHill_000.mp4").toString(), broker.bootstrapServers(), settings);
        assertThat(ingest.handoffMode()).isEqualTo(LatestFrameHandoff.Mode.DROP_OLDEST);
        CompletableFuture<IngestSummary> run = CompletableFuture.supplyAsync(ingest::run);
        Await.until(
                "10 frames sent by the looping camera",
                Duration.ofSeconds(60),
                () -> ingest.summary().sent() >= 10);
        assertThat(run).as("a looping file does not end by itself").isNotDone();
        ingest.close();
        IngestSummary summary = run.get(30, TimeUnit.SECONDS);

        // the 25 fps file sampled at 10 fps keeps 2 frames of every 5 (media times 0, 120, 200, 320, 400, ...); the
        // frame being paced when the run was closed was grabbed and sampled but not counted as sampled
        assertThat(summary.sampled()).isBetween(summary.grabbed() * 2 / 5 - 1, summary.grabbed() * 2 / 5 + 1);
        // at close the frames waiting in the handoff are discarded, and one sampled just then may find it closed
        long unaccounted = summary.sampled() - (summary.sent() + summary.dropped() + summary.failed());
        assertThat(unaccounted)
                .as("sampled frames neither sent, dropped nor failed")
                .isBetween(0L, settings.handoffCapacity() + 1L);
        List<ConsumerRecord<String, Frame>> records = consume(Topics.FRAMES, "cam-loop", (int) summary.sent());
        assertThat(records).hasSize((int) summary.sent());
        assertThat(records).allSatisfy(r -> {
            assertThat(r.value().width()).isEqualTo(256);
            assertThat(r.value().height()).isEqualTo(256);
        });
        // kept frames are at least a sampling interval (100 ms) less one frame period (40 ms) apart, more when the
        // producer fell behind and the handoff dropped the oldest
        List<Long> mediaTimes =
                records.stream().map(r -> r.value().mediaTimeMillis()).toList();
        for (int i = 1; i < mediaTimes.size(); i++) {
            assertThat(mediaTimes.get(i) - mediaTimes.get(i - 1))
                    .as("media step %d, sampled at 10 fps", i)
                    .isGreaterThan(60L);
        }
        assertThat(mediaTimes.getLast())
                .as("paced: the last frame's media time is not ahead of the run's wall time (%s)", summary.elapsed())
                .isLessThanOrEqualTo(summary.elapsed().toMillis());
    }

    private static List<ConsumerRecord<String, Frame>> consume(String topic, String key, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<String, Frame>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), EventSerdes.frames().deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int seen = 0;
            while (System.nanoTime() < deadline && seen < expected) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(key)) {
                        got.add(r);
                        seen++;
                    }
                }
            }
            for (var r : consumer.poll(Duration.ofMillis(500))) { // nothing more may arrive
                if (r.key().equals(key)) {
                    got.add(r);
                }
            }
        }
        return got;
    }
}

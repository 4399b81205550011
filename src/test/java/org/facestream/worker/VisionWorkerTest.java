package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.facestream.worker.ScriptedVision.frameBytes;
import static org.facestream.worker.ScriptedVision.record;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.WorkerConfig;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.Frame;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.BadBytes;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.worker.ScriptedVision.Scene;
import org.junit.jupiter.api.Test;

/**
 * The worker loop on Kafka's mock clients, on the test's own thread: each test schedules what every poll
 * finds (partitions assigned, records appended, a fault injected), then a wakeup that ends the loop, and
 * reads what the transactions committed from the {@link MockProducer}.
 */
class VisionWorkerTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.FRAMES, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.FRAMES, 1);
    private static final WorkerConfig CONFIG = ScriptedVision.config("unit-0");
    /** Best shots, the motion gate off: the scripted frames of a camera all show the same picture. */
    private static final WorkerConfig BEST_SHOT = CONFIG.withAnalysis(
            AnalysisSettings.defaults().withMotionGate(false).withDetectEvery(1));

    private final IdlingMockConsumer consumer = new IdlingMockConsumer();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final WorkerClients mocks = new WorkerClients() {
        @Override
        public Consumer<String, byte[]> consumer(WorkerConfig config) {
            return consumer;
        }

        @Override
        public Producer<byte[], byte[]> producer(WorkerConfig config) {
            return producer;
        }
    };

    @Test
    void commitsAPollsObservationsWithItsOffsetsInOneTransaction() {
        VisionWorker worker = runPolls(() -> {
            assign(P0, P1);
            consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
            consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.NO_FACE)));
            consumer.addRecord(record(1, 0, "cam-b", frameBytes("cam-b", 0, Scene.TWO_FACES_ONE_WEAK)));
        });

        // a poll's partitions come in no fixed order; within one partition, in offset order
        assertThat(observations())
                .extracting(FaceObservation::observationId)
                .containsExactlyInAnyOrder("cam-a/0/0", "cam-b/0/0");
        FaceObservation a = observations().stream()
                .filter(o -> o.cameraId().equals("cam-a"))
                .findFirst()
                .orElseThrow();
        assertThat(a.modelPackId()).isEqualTo(ScriptedVision.PACK.id());
        assertThat(a.capturedAt()).isEqualTo(ScriptedVision.CAPTURED_AT);
        assertThat(a.box()).isEqualTo(ScriptedVision.GOOD.box());
        assertThat(a.embedding()[0]).isEqualTo(1f);
        assertThat(a.quality().detectorScore()).isEqualTo(0.9f);
        assertThat(a.quality().interOcularPx()).isEqualTo(24f);
        assertThat(a.thumbnailJpeg()).isNull();
        assertThat(sent(Topics.FACES))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("cam-a", "cam-b");
        assertThat(deadLetters()).isEmpty();
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(commits()).containsExactly(Map.of(P0, 2L, P1, 1L));

        assertThat(metrics.total("worker_frames_total")).isEqualTo(3);
        assertThat(metrics.total("worker_faces_total")).isEqualTo(2);
        assertThat(metrics.byLabel("worker_faces_dropped_total")).isEqualTo(Map.of("reason=\"low-score\"", 1L));
        assertThat(metrics.total("deadletter_total")).isZero();
        assertThat(stageCount("decode")).isEqualTo(3);
        assertThat(stageCount("detect_align_embed_batch")).isEqualTo(1);
        assertThat(stageCount("capture_to_observation")).isEqualTo(3);
        assertThat(consumer.closed()).isTrue();
        assertThat(producer.closed()).isTrue();
        assertThat(producer.transactionInitialized()).isTrue();
    }

    @Test
    void deadLettersEveryRefusedFrameWithItsSourceAndReasonInThePollsTransaction() {
        byte[] bomb = frameBytes(
                new Frame("cam-a", 2, ScriptedVision.CAPTURED_AT, 200, 640, 480, BadBytes.jpegDeclaring(60000, 60000)));
        byte[] jpeg = ScriptedVision.jpeg(Scene.ONE_FACE);
        byte[] corrupt = frameBytes(new Frame(
                "cam-a", 3, ScriptedVision.CAPTURED_AT, 300, 128, 96, BadBytes.corruptedAfter(jpeg, jpeg.length / 3)));
        byte[] oversized = new byte[CONFIG.maxFrameBytes() + FrameAdmission.FRAME_FIELDS_BYTES + 1];
        List<byte[]> values = Arrays.asList(
                null, new byte[] {1, 2, 3}, bomb, corrupt, oversized, frameBytes("cam-a", 5, Scene.ONE_FACE));
        runPolls(() -> {
            assign(P0);
            for (int i = 0; i < values.size(); i++) {
                consumer.addRecord(record(0, i, "cam-a", values.get(i)));
            }
        });

        List<ProducerRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.HEADER_REASON))
                .containsExactly(
                        "null-frame", "deserialization-failed", "image-too-large", "corrupt-image", "frame-too-large");
        for (int i = 0; i < dead.size(); i++) {
            ProducerRecord<byte[], byte[]> r = dead.get(i);
            assertThat(header(r, DeadLetters.HEADER_STAGE)).isEqualTo("worker");
            assertThat(header(r, DeadLetters.HEADER_TOPIC)).isEqualTo(Topics.FRAMES);
            assertThat(header(r, DeadLetters.HEADER_PARTITION)).isEqualTo("0");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).isEqualTo(Integer.toString(i));
            assertThat(header(r, DeadLetters.HEADER_DETAIL)).startsWith("expected");
            assertThat(r.key()).isEqualTo("cam-a".getBytes(StandardCharsets.UTF_8));
            assertThat(r.value()).as("the original bytes, untouched").isEqualTo(values.get(i));
        }
        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/5/0");
        assertThat(commits()).containsExactly(Map.of(P0, 6L));
        assertThat(metrics.byLabel("deadletter_total"))
                .isEqualTo(Map.of(
                        "reason=\"null-frame\"",
                        1L,
                        "reason=\"deserialization-failed\"",
                        1L,
                        "reason=\"image-too-large\"",
                        1L,
                        "reason=\"corrupt-image\"",
                        1L,
                        "reason=\"frame-too-large\"",
                        1L));
    }

    @Test
    void aScanBombIsDeadLetteredAsDecodeBudgetExceededAndCountedAndTheRestOfThePollIsObserved() {
        try (FaceAnalyzer analyzer = ScriptedVision.analyzer(new AtomicInteger())) {
            MetricsRegistry fresh = new MetricsRegistry();
            new VisionWorker(CONFIG, mocks, analyzer, fresh);
            assertThat(fresh.prometheusText())
                    .as("exported at zero before the first refusal")
                    .contains("# TYPE facestream_decode_budget_refusals_total counter")
                    .contains("facestream_decode_budget_refusals_total{stage=\"worker\"} 0");
        }
        byte[] bomb = frameBytes(new Frame(
                "cam-a",
                0,
                ScriptedVision.CAPTURED_AT,
                0,
                320,
                240,
                BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(320, 240, 5), 500)));
        runPolls(() -> {
            assign(P0);
            consumer.addRecord(record(0, 0, "cam-a", bomb));
            consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE)));
        });

        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(header(r, DeadLetters.HEADER_REASON)).isEqualTo("decode-budget-exceeded");
            assertThat(header(r, DeadLetters.HEADER_DETAIL)).contains("found 510 scans of 320x240 pixels");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).isEqualTo("0");
            assertThat(r.value()).isEqualTo(bomb);
        });
        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/1/0");
        assertThat(commits()).containsExactly(Map.of(P0, 2L));
        assertThat(metrics.total("decode_budget_refusals_total")).isEqualTo(1);
        assertThat(metrics.byLabel("deadletter_total")).isEqualTo(Map.of("reason=\"decode-budget-exceeded\"", 1L));
    }

    @Test
    void aFrameTheModelsFailOnIsDeadLetteredAloneAndTheRestOfItsBatchIsObserved() {
        runPolls(() -> {
            assign(P0);
            consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
            consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.DETECTOR_FAILS)));
            consumer.addRecord(record(0, 2, "cam-a", frameBytes("cam-a", 2, Scene.ONE_FACE)));
        });

        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/0/0", "cam-a/2/0");
        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(header(r, DeadLetters.HEADER_REASON)).isEqualTo("analysis-failed");
            assertThat(header(r, DeadLetters.HEADER_DETAIL)).isEqualTo("scripted detector failure");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).isEqualTo("1");
        });
        assertThat(commits()).containsExactly(Map.of(P0, 3L));
    }

    @Test
    void aNonFiniteEmbeddingDeadLettersItsWholeFrameAsEmbeddingNotFinite() {
        runPolls(() -> {
            assign(P0);
            consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.EMBEDDING_NAN)));
            consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE)));
        });

        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(header(r, DeadLetters.HEADER_REASON)).isEqualTo("embedding-not-finite");
            assertThat(header(r, DeadLetters.HEADER_DETAIL))
                    .isEqualTo("expected finite embedding values, found NaN at index 0");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).isEqualTo("0");
        });
        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/1/0");
        assertThat(commits()).containsExactly(Map.of(P0, 2L));
    }

    @Test
    void aFailedCommitAbortsTheTransactionAndRewindsSoThePollIsReadAgainAndCommittedOnce() {
        List<ConsumerRecord<String, byte[]>> log = List.of(
                record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)),
                record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE)));
        AtomicLong positionAfterAbort = new AtomicLong(-1);
        runPolls(
                () -> {
                    assign(P0);
                    log.forEach(consumer::addRecord);
                    producer.commitTransactionException = new TimeoutException("commit timed out");
                },
                () -> {
                    positionAfterAbort.set(consumer.position(P0));
                    producer.commitTransactionException = null;
                    log.forEach(consumer::addRecord); // the log still holds them; the mock hands each record out once
                });

        assertThat(positionAfterAbort.get())
                .as("rewound to the poll's first frame")
                .isZero();
        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/0/0", "cam-a/1/0");
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(commits()).containsExactly(Map.of(P0, 2L));
        assertThat(metrics.total("worker_frames_total"))
                .as("each frame read twice")
                .isEqualTo(4);
    }

    @Test
    void afterARebalanceCommitsCoverOnlyThePartitionsStillOwnedUnderTheConsumersGroupMetadata() {
        runPolls(
                () -> {
                    assign(P0, P1);
                    consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
                    consumer.addRecord(record(1, 0, "cam-b", frameBytes("cam-b", 0, Scene.ONE_FACE)));
                },
                () -> {
                    consumer.rebalance(List.of(P1));
                    consumer.addRecord(record(1, 1, "cam-b", frameBytes("cam-b", 1, Scene.ONE_FACE)));
                    consumer.addRecord(record(1, 2, "cam-b", frameBytes("cam-b", 2, Scene.ONE_FACE)));
                });

        assertThat(commits()).containsExactly(Map.of(P0, 1L, P1, 1L), Map.of(P1, 3L));
        assertThat(producer.consumerGroupOffsetsHistory())
                .allSatisfy(c ->
                        assertThat(c).containsOnlyKeys(consumer.groupMetadata().groupId()));
        assertThat(observations())
                .extracting(FaceObservation::observationId)
                .containsExactlyInAnyOrder("cam-a/0/0", "cam-b/0/0", "cam-b/1/0", "cam-b/2/0");
        assertThat(observations().subList(2, 4))
                .as("the second poll")
                .extracting(FaceObservation::observationId)
                .containsExactly("cam-b/1/0", "cam-b/2/0");
    }

    @Test
    void aFencedProducerStopsTheWorkerWithoutAFailureAndCommitsNothing() throws Exception {
        VisionWorker worker = runPolls(() -> {
            assign(P0);
            consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
            producer.fenceProducer();
        });

        assertThat(worker.awaitReady(Duration.ZERO))
                .as("stopped, without a failure to report")
                .isFalse();
        assertThat(producer.history()).isEmpty();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void refusedCredentialsStopTheWorkerAndAwaitReadyNamesThem() {
        producer.initTransactionException =
                new SaslAuthenticationException("Authentication failed: Invalid username or password");
        VisionWorker worker = runPolls();

        assertThatThrownBy(() -> worker.awaitReady(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "worker unit-0 stopped: SaslAuthenticationException: Authentication failed: Invalid username or password");
        assertThat(consumer.closed()).isTrue();
        assertThat(consumer.subscription()).as("never subscribed").isEmpty();
    }

    @Test
    void closeFromAnotherThreadEndsARunningWorkerAndClosesItsClients() throws Exception {
        try (FaceAnalyzer analyzer = ScriptedVision.analyzer(new AtomicInteger())) {
            VisionWorker worker = new VisionWorker(CONFIG, mocks, analyzer, metrics);
            Thread thread = Thread.ofPlatform().name("unit-worker").start(worker);
            assertThat(worker.awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThat(consumer.subscription()).containsExactly(Topics.FRAMES);

            worker.close();
            thread.join(Duration.ofSeconds(30));
            assertThat(thread.isAlive()).isFalse();
            assertThat(consumer.closed()).isTrue();
            assertThat(producer.closed()).isTrue();
            assertThat(worker.awaitReady(Duration.ZERO)).isFalse();
        }
    }

    @Test
    void inBestShotModeATracksFirstGoodFaceIsObservedAndTheOthersOnlyCounted() {
        runPolls(BEST_SHOT, () -> {
            assign(P0, P1);
            for (int i = 0; i < 4; i++) {
                consumer.addRecord(record(0, i, "cam-a", frameBytes("cam-a", i, Scene.ONE_FACE)));
            }
            consumer.addRecord(record(1, 0, "cam-b", frameBytes("cam-b", 0, Scene.TWO_FACES_ONE_WEAK)));
        });

        assertThat(observations())
                .extracting(o -> o.observationId() + " " + o.track().trackId() + " #"
                        + o.track().shot() + " " + o.track().reason() + " faces="
                        + o.track().faces())
                .containsExactlyInAnyOrder(
                        "cam-a/0/0 cam-a/t0.0 #1 start faces=1", "cam-b/0/0 cam-b/t0.0 #1 start faces=1");
        FaceObservation a = observations().stream()
                .filter(o -> o.cameraId().equals("cam-a"))
                .findFirst()
                .orElseThrow();
        assertThat(a.track().firstSeen()).isEqualTo(ScriptedVision.CAPTURED_AT);
        assertThat(a.track().shotQuality()).isBetween(0.0, 1.0);
        assertThat(metrics.total("worker_faces_seen_total"))
                .as("every good face counted")
                .isEqualTo(5);
        assertThat(metrics.total("worker_faces_embedded_total")).isEqualTo(2);
        assertThat(metrics.total("worker_faces_total")).isEqualTo(2);
        assertThat(metrics.total("worker_tracks_started_total")).isEqualTo(2);
        assertThat(metrics.total("worker_detections_skipped_total")).isZero();
        assertThat(commits()).containsExactly(Map.of(P0, 4L, P1, 1L));
    }

    @Test
    void atAnIntervalOfTwoOnlyEvenFramesAreDetectedAndTracksCarryAcrossTheOthers() {
        runPolls(BEST_SHOT.withAnalysis(BEST_SHOT.analysis().withDetectEvery(2)), () -> {
            assign(P0);
            for (int i = 0; i < 5; i++) {
                consumer.addRecord(record(0, i, "cam-a", frameBytes("cam-a", i, Scene.ONE_FACE)));
            }
        });

        assertThat(metrics.total("worker_detections_skipped_total"))
                .as("frames 1 and 3")
                .isEqualTo(2);
        assertThat(stageCount("track"))
                .as("frames 0, 2 and 4 detected and tracked")
                .isEqualTo(3);
        assertThat(metrics.total("worker_faces_seen_total")).isEqualTo(3);
        assertThat(observations())
                .extracting(o -> o.observationId() + " " + o.track().trackId())
                .as("one track across the skipped frames")
                .containsExactly("cam-a/0/0 cam-a/t0.0");
        assertThat(commits()).containsExactly(Map.of(P0, 5L));
    }

    @Test
    void theIntervalCountsFramesReceivedNotSequenceNumbers() {
        // a lagging ingest leaves gaps: frames 1, 3 and 5 only; detection still alternates
        runPolls(BEST_SHOT.withAnalysis(BEST_SHOT.analysis().withDetectEvery(2)), () -> {
            assign(P0);
            for (int i = 0; i < 3; i++) {
                long seq = 2L * i + 1;
                consumer.addRecord(record(0, i, "cam-a", frameBytes("cam-a", seq, Scene.ONE_FACE)));
            }
        });

        assertThat(stageCount("track")).as("frames 1 and 5 detected").isEqualTo(2);
        assertThat(metrics.total("worker_detections_skipped_total"))
                .as("frame 3")
                .isEqualTo(1);
    }

    @Test
    void theMotionGateSkipsDetectionWhereNothingMovedAndCountsIt() {
        runPolls(BEST_SHOT.withAnalysis(BEST_SHOT.analysis().withMotionGate(true)), () -> {
            assign(P0);
            consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
            consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE))); // the same picture
            consumer.addRecord(record(0, 2, "cam-a", frameBytes("cam-a", 2, Scene.NO_FACE))); // everything changed
        });

        assertThat(metrics.total("worker_detections_skipped_total")).isEqualTo(1);
        assertThat(stageCount("track")).as("frames detected and tracked").isEqualTo(2);
        assertThat(stageCount("motion")).isEqualTo(3);
        assertThat(metrics.total("worker_faces_seen_total")).isEqualTo(1);
        assertThat(observations()).extracting(FaceObservation::observationId).containsExactly("cam-a/0/0");
        assertThat(commits()).containsExactly(Map.of(P0, 3L));
    }

    @Test
    void anAbortedTransactionLeavesTheTracksAsTheyWereSoTheFramesReadAgainStartTheSameTrack() {
        List<ConsumerRecord<String, byte[]>> log = List.of(
                record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)),
                record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE)));
        runPolls(
                BEST_SHOT,
                () -> {
                    assign(P0);
                    log.forEach(consumer::addRecord);
                    producer.commitTransactionException = new TimeoutException("commit timed out");
                },
                () -> {
                    producer.commitTransactionException = null;
                    log.forEach(consumer::addRecord);
                });

        // without the restore, the track would already hold its first shot and the committed run would observe nothing
        assertThat(observations())
                .extracting(o -> o.observationId() + " " + o.track().trackId() + " #"
                        + o.track().shot())
                .containsExactly("cam-a/0/0 cam-a/t0.0 #1");
        assertThat(producer.commitCount()).isEqualTo(1);
    }

    @Test
    void aRevokedPartitionsCamerasStartNewTracksWhenTheirFramesComeBack() {
        runPolls(
                BEST_SHOT,
                () -> {
                    assign(P0);
                    consumer.addRecord(record(0, 0, "cam-a", frameBytes("cam-a", 0, Scene.ONE_FACE)));
                },
                () -> {
                    consumer.rebalance(List.of()); // revoked: this instance's tracks of cam-a end
                    consumer.rebalance(List.of(P0));
                    consumer.seek(P0, 1);
                    consumer.addRecord(record(0, 1, "cam-a", frameBytes("cam-a", 1, Scene.ONE_FACE)));
                });

        assertThat(observations())
                .extracting(o -> o.observationId() + " " + o.track().trackId() + " #"
                        + o.track().shot())
                .containsExactly("cam-a/0/0 cam-a/t0.0 #1", "cam-a/1/0 cam-a/t1.0 #1");
    }

    /** Runs a worker on this thread: each step runs inside one poll, then a wakeup ends the loop. */
    private VisionWorker runPolls(Runnable... polls) {
        return runPolls(CONFIG, polls);
    }

    /** As {@link #runPolls(Runnable...)} with {@code config}. */
    private VisionWorker runPolls(WorkerConfig config, Runnable... polls) {
        try (FaceAnalyzer analyzer = ScriptedVision.analyzer(new AtomicInteger())) {
            VisionWorker worker = new VisionWorker(config, mocks, analyzer, metrics);
            for (Runnable poll : polls) {
                consumer.schedulePollTask(poll);
            }
            consumer.schedulePollTask(consumer::wakeup);
            worker.run();
            return worker;
        }
    }

    private void assign(TopicPartition... partitions) {
        Map<TopicPartition, Long> beginning = new HashMap<>();
        for (TopicPartition tp : partitions) {
            beginning.put(tp, 0L);
        }
        consumer.updateBeginningOffsets(beginning);
        consumer.rebalance(List.of(partitions));
    }

    private List<ProducerRecord<byte[], byte[]>> sent(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    private List<FaceObservation> observations() {
        return sent(Topics.FACES).stream()
                .map(r -> EventSerdes.faces().deserialize(Topics.FACES, r.value()))
                .toList();
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return sent(Topics.DEADLETTER);
    }

    /** The offsets of each committed transaction, by partition. */
    private List<Map<TopicPartition, Long>> commits() {
        List<Map<TopicPartition, Long>> out = new ArrayList<>();
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : producer.consumerGroupOffsetsHistory()) {
            for (Map<TopicPartition, OffsetAndMetadata> offsets : commit.values()) {
                Map<TopicPartition, Long> m = new HashMap<>();
                offsets.forEach((tp, o) -> m.put(tp, o.offset()));
                out.add(m);
            }
        }
        return out;
    }

    private long stageCount(String stage) {
        return metrics.histogram("stage_latency_seconds", "", MetricsRegistry.label("stage", stage))
                .count();
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return DeadLetters.header(r.headers(), name);
    }
}

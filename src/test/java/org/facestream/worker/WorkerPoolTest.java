package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.WorkerConfig;
import org.facestream.events.FaceQuality;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    private final Map<String, IdlingMockConsumer> consumers = new ConcurrentHashMap<>();
    private final Map<String, MockProducer<byte[], byte[]>> producers = new ConcurrentHashMap<>();
    private final AtomicInteger analyzersOpened = new AtomicInteger();
    private final AtomicInteger analyzersClosed = new AtomicInteger();
    /** Instance ids whose producer Kafka refuses (bad credentials). */
    private final Map<String, Boolean> refused = new ConcurrentHashMap<>();

    private final WorkerClients mocks = new WorkerClients() {
        @Override
        public Consumer<String, byte[]> consumer(WorkerConfig config) {
            return consumers.computeIfAbsent(config.instanceId(), id -> new IdlingMockConsumer());
        }

        @Override
        public Producer<byte[], byte[]> producer(WorkerConfig config) {
            MockProducer<byte[], byte[]> p =
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            if (refused.containsKey(config.instanceId())) {
                p.initTransactionException =
                        new SaslAuthenticationException("Authentication failed: Invalid username or password");
            }
            producers.put(config.instanceId(), p);
            return p;
        }
    };

    @Test
    void startsEveryInstanceConsumingWithItsOwnAnalyzerAndCloseStopsThemAll() {
        try (WorkerPool pool = start(2)) {
            assertThat(pool.size()).isEqualTo(2);
            assertThat(analyzersOpened.get()).isEqualTo(2);
            assertThat(consumers.keySet()).containsExactlyInAnyOrder("pool-0", "pool-1");
            assertThat(consumers.values())
                    .allSatisfy(c -> assertThat(c.subscription()).containsExactly(Topics.FRAMES));
            assertThat(producers.values())
                    .allSatisfy(p -> assertThat(p.transactionInitialized()).isTrue());
            assertThat(analyzersClosed.get()).isZero();
        }
        assertThat(consumers.values()).allSatisfy(c -> assertThat(c.closed()).isTrue());
        assertThat(producers.values()).allSatisfy(p -> assertThat(p.closed()).isTrue());
        assertThat(analyzersClosed.get()).isEqualTo(2);
    }

    @Test
    void anInstanceKafkaRefusesFailsTheStartAndEverythingOpenedIsClosed() {
        refused.put("pool-1", true);
        assertThatThrownBy(() -> start(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "worker pool-1 stopped: SaslAuthenticationException: Authentication failed: Invalid username or password");
        assertThat(consumers.values())
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.closed()).isTrue());
        assertThat(analyzersClosed.get()).isEqualTo(2);
    }

    @Test
    void instanceSettingsComeFromTheWorkerKeys() {
        FaceStreamConfig cfg = FaceStreamConfig.load(
                null,
                Map.of(),
                Map.ofEntries(
                        Map.entry(FaceStreamConfig.BATCH_MAX_FRAMES, "3"),
                        Map.entry(FaceStreamConfig.FRAME_MAX_BYTES, "2048"),
                        Map.entry(FaceStreamConfig.FRAME_MAX_PIXELS, "123456"),
                        Map.entry(FaceStreamConfig.MIN_FACE_SCORE, "0.7"),
                        Map.entry(FaceStreamConfig.MIN_INTEROCULAR, "9"),
                        Map.entry(FaceStreamConfig.THUMBNAILS, "true"),
                        Map.entry(FaceStreamConfig.DETECTOR_SCORE, "0.65"),
                        Map.entry(FaceStreamConfig.WORKER_EMBED, "every-face"),
                        Map.entry(FaceStreamConfig.TRACK_LOW_SCORE, "0.8"), // above the detector's: capped at it
                        Map.entry(FaceStreamConfig.TRACK_MIN_IOU, "0.25"),
                        Map.entry(FaceStreamConfig.TRACK_MAX_GAP_MS, "2000"),
                        Map.entry(FaceStreamConfig.BESTSHOT_MIN_GAIN, "1.5"),
                        Map.entry(FaceStreamConfig.BESTSHOT_INTERVAL_MS, "0"),
                        Map.entry(FaceStreamConfig.MOTION_GATE, "false"),
                        Map.entry(FaceStreamConfig.MOTION_MIN_CHANGED, "0.01"),
                        Map.entry(FaceStreamConfig.TRACK_CUT_CORRELATION, "-1"),
                        Map.entry(FaceStreamConfig.DETECT_EVERY, "3")));
        WorkerConfig wc = WorkerPool.workerConfig(cfg, "host-1");
        assertThat(wc)
                .isEqualTo(new WorkerConfig(
                        "host-1",
                        3,
                        2048,
                        123456,
                        new FaceQuality.Gate(0.7, 9),
                        true,
                        Duration.ofMillis(200),
                        new AnalysisSettings(
                                AnalysisSettings.Embed.EVERY_FACE,
                                0.65,
                                0.65,
                                0.25,
                                Duration.ofSeconds(2),
                                1.5,
                                Duration.ZERO,
                                false,
                                0.01,
                                -1,
                                3)));
        assertThat(WorkerPool.workerConfig(FaceStreamConfig.load(null, Map.of(), Map.of()), "host-1")
                        .analysis())
                .as("defaults: best shots behind the motion gate")
                .isEqualTo(AnalysisSettings.defaults());
        assertThat(wc.transactionalId()).isEqualTo("facestream-worker-host-1");
    }

    private WorkerPool start(int instances) {
        return WorkerPool.start(
                instances,
                i -> ScriptedVision.config("pool-" + i),
                () -> {
                    analyzersOpened.incrementAndGet();
                    return ScriptedVision.analyzer(analyzersClosed);
                },
                mocks,
                new MetricsRegistry());
    }
}

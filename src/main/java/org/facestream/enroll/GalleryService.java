package org.facestream.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditKeyring;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gallery processor ({@link GalleryCommandTopology}) as the Kafka Streams application {@value
 * #APPLICATION_ID}, exactly-once v2, for {@code facestream gallery} and the demo. Any number of instances may run:
 * they share the partitions of {@code facestream.gallery-commands.v1}, each subject's commands applied by the one
 * task that owns its partition. Its stores are in memory (restored from their changelogs at start), so the state
 * directory, a temporary one of its own, holds no data. Thread-safe start/close.
 */
public final class GalleryService implements AutoCloseable {
    public static final String APPLICATION_ID = "facestream-gallery";
    private static final Logger LOG = LoggerFactory.getLogger(GalleryService.class);

    private final KafkaStreams streams;
    private final GalleryMetrics metrics;
    private final Path stateDir;

    /**
     * The processor, not started.
     *
     * @param kafkaSettings Kafka client settings (bootstrap, security)
     * @param keys the master keys (the same the entry points seal photos with and the matchers unwrap with)
     * @param auditKeys the audit key its audit records are sealed under
     * @param instanceId this instance's id (client ids)
     * @param registry where it counts
     */
    public GalleryService(
            Map<String, Object> kafkaSettings,
            MasterKeys keys,
            AuditKeyring auditKeys,
            String instanceId,
            MetricsRegistry registry) {
        this(kafkaSettings, keys, auditKeys, instanceId, registry, GalleryCommandTopology.ROLL_EVERY);
    }

    /** As the other constructor, each task appending its segment-roll tombstones every {@code rollEvery}. */
    public GalleryService(
            Map<String, Object> kafkaSettings,
            MasterKeys keys,
            AuditKeyring auditKeys,
            String instanceId,
            MetricsRegistry registry,
            Duration rollEvery) {
        Objects.requireNonNull(keys, "keys");
        metrics = new GalleryMetrics(registry);
        try {
            stateDir = Files.createTempDirectory("facestream-gallery-state");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a state directory: " + e.getMessage(), e);
        }
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, APPLICATION_ID + "-" + instanceId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // one broker in the demo and tests; a production cluster overrides this with kafka.replication.factor
        p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // entry points wait for outcomes, which are visible once committed: commit often
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // entry points wait while a stopped instance's partitions move: within 10 s, not the default 45
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        streams = new KafkaStreams(
                GalleryCommandTopology.build(
                        new GalleryCommandTopology.Spec(keys, metrics, Clock.systemUTC(), rollEvery, auditKeys)),
                p);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("gallery processor stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** Starts the application and waits until it is RUNNING (stores restored) or fails. */
    public void start(Duration timeout) throws InterruptedException {
        try {
            streams.start();
        } catch (StreamsException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalStateException(
                    "gallery processor failed to start: " + root.getClass().getSimpleName() + ": " + root.getMessage(),
                    e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("gallery processor failed to start: state " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gallery processor not running after " + timeout.toSeconds()
                        + " s (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public GalleryMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot remove the state directory {}: {}", stateDir, e.toString());
        }
    }
}

package org.facestream.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterProbe} through the Admin API. A thread of its own asks the cluster every few seconds and requests
 * read the last answer, so neither a dashboard polling every second nor a flood of health probes costs the
 * cluster more, and no request waits on a slow or unreachable broker (a {@code /health} probe must answer within
 * a second whatever Kafka does). A camera's frames all go to one partition (the key is the camera id and
 * producers use Kafka's default murmur2 partitioner), so its lag is that partition's lag. Thread-safe.
 */
public final class AdminClusterProbe implements ClusterProbe, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminClusterProbe.class);
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private final Admin admin;
    private final String workerGroup;
    private final ScheduledExecutorService refresher;
    private final CountDownLatch firstAnswer = new CountDownLatch(1);
    private volatile boolean reachable;
    private volatile Map<Integer, Long> lagByPartition = Map.of();

    public AdminClusterProbe(Map<String, Object> kafkaSettings, String workerGroup) {
        Map<String, Object> m = new HashMap<>(kafkaSettings);
        m.put(AdminClientConfig.CLIENT_ID_CONFIG, "facestream-api-probe");
        m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(m);
        this.workerGroup = workerGroup;
        this.refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("api-cluster-probe").factory());
        refresher.scheduleWithFixedDelay(this::refreshSafely, 0, CACHE_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Waits for the first answer (only right after start, at most 3 s). */
    private void awaitFirstAnswer() {
        try {
            firstAnswer.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("probing the cluster failed; trying again", e);
        } finally {
            firstAnswer.countDown();
        }
    }

    @Override
    public boolean brokerReachable() {
        awaitFirstAnswer();
        return reachable;
    }

    @Override
    public OptionalLong workerLag(String cameraId) {
        awaitFirstAnswer();
        Map<Integer, Long> lagByPartition = this.lagByPartition;
        if (lagByPartition.isEmpty()) {
            return OptionalLong.empty();
        }
        int partition =
                Utils.toPositive(Utils.murmur2(cameraId.getBytes(StandardCharsets.UTF_8))) % lagByPartition.size();
        Long lag = lagByPartition.get(partition);
        return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    private void refresh() {
        try {
            admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
            reachable = true;
        } catch (Exception e) {
            reachable = false;
            lagByPartition = Map.of();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            var partitions = admin.describeTopics(Set.of(Topics.FRAMES))
                    .allTopicNames()
                    .get(2, TimeUnit.SECONDS)
                    .get(Topics.FRAMES)
                    .partitions();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            partitions.forEach(p -> specs.put(new TopicPartition(Topics.FRAMES, p.partition()), OffsetSpec.latest()));
            var ends = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(2, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(workerGroup)
                    .partitionsToOffsetAndMetadata()
                    .get(2, TimeUnit.SECONDS);
            Map<Integer, Long> lag = new HashMap<>();
            ends.forEach((tp, info) -> {
                OffsetAndMetadata c = committed.get(tp);
                lag.put(tp.partition(), Math.max(0, info.offset() - (c == null ? 0 : c.offset())));
            });
            lagByPartition = lag.size() == partitions.size() ? lag : Map.of();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("worker lag unknown: {}", e.toString());
            lagByPartition = Map.of();
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}

package org.facestream.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
 * {@link ClusterProbe} through the Admin API, answers cached for a few seconds so a dashboard polling every
 * second costs the cluster little. A camera's frames all go to one partition (the key is the camera id and
 * producers use Kafka's default murmur2 partitioner), so its lag is that partition's lag. Thread-safe.
 */
public final class AdminClusterProbe implements ClusterProbe, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminClusterProbe.class);
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(3);
    private final Admin admin;
    private final String workerGroup;
    private long checkedAt = Long.MIN_VALUE;
    private boolean reachable;
    private Map<Integer, Long> lagByPartition = Map.of();

    public AdminClusterProbe(Map<String, Object> kafkaSettings, String workerGroup) {
        Map<String, Object> m = new HashMap<>(kafkaSettings);
        m.put(AdminClientConfig.CLIENT_ID_CONFIG, "facestream-api-probe");
        m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(m);
        this.workerGroup = workerGroup;
    }

    @Override
    public synchronized boolean brokerReachable() {
        refresh();
        return reachable;
    }

    @Override
    public synchronized OptionalLong workerLag(String cameraId) {
        refresh();
        if (lagByPartition.isEmpty()) {
            return OptionalLong.empty();
        }
        int partition =
                Utils.toPositive(Utils.murmur2(cameraId.getBytes(StandardCharsets.UTF_8))) % lagByPartition.size();
        Long lag = lagByPartition.get(partition);
        return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    private void refresh() {
        long now = System.nanoTime();
        if (checkedAt != Long.MIN_VALUE && now - checkedAt < CACHE_NANOS) {
            return;
        }
        checkedAt = now;
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
        admin.close(Duration.ofSeconds(5));
    }
}

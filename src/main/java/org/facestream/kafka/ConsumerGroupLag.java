package org.facestream.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag read through the Admin API: how many committed records of a topic a group has not yet
 * committed past. The demo's {@code --until-end} waits on it (a stage is done with the video when its lag is
 * zero), and {@code /api/v1/cameras} reports it.
 */
public final class ConsumerGroupLag {
    private final Admin admin;

    public ConsumerGroupLag(Admin admin) {
        this.admin = admin;
    }

    /** Records of {@code topic} committed by producers but not yet consumed-and-committed by {@code group}. */
    public long lag(String group, String topic) throws InterruptedException {
        try {
            var partitions = admin.describeTopics(Set.of(topic))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions();
            Set<TopicPartition> tps = partitions.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toSet());
            // read_committed end offsets: transaction markers would otherwise count as lag forever
            ListOffsetsResult ends = admin.listOffsets(
                    tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : tps) {
                long end = ends.partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
                OffsetAndMetadata c = committed.get(tp);
                long pos = c == null ? 0 : c.offset();
                lag += Math.max(0, end - pos);
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot read lag of group " + group + " on " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code group} has no lag on {@code topic} and the end offset stayed put for {@code settle}
     * (so records still in flight from the previous stage are counted).
     */
    public void awaitDrained(String group, String topic, Duration settle, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long zeroSince = -1;
        while (System.nanoTime() < deadline) {
            long lag = lag(group, topic);
            if (lag == 0) {
                if (zeroSince < 0) {
                    zeroSince = System.nanoTime();
                } else if (System.nanoTime() - zeroSince >= settle.toNanos()) {
                    return;
                }
            } else {
                zeroSince = -1;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "group " + group + " did not drain " + topic + " within " + timeout.toSeconds() + " s");
    }
}

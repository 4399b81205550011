package org.facestream.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.events.AuditKeyring;

/**
 * Reads a whole audit topic once, every partition from its first offset to its end at the time of the call (or
 * to ends taken before), read_committed (records of aborted transactions are not part of the log), without a
 * consumer group; and verifies the log against its checkpoints ({@link #verify}).
 */
public final class AuditTopic {
    private static final Duration STALL = Duration.ofSeconds(60);

    private AuditTopic() {}

    /**
     * Hands every record of {@code topic} to {@code sink} in offset order per partition, partitions one after
     * another; returns the number of records read.
     *
     * @throws IllegalStateException when the topic does not exist or reading stalls for a minute
     */
    public static long readAll(
            Map<String, Object> kafkaSettings, String topic, Consumer<ConsumerRecord<String, byte[]>> sink) {
        return readAll(kafkaSettings, topic, null, sink);
    }

    /**
     * The end of every partition of {@code topic} now, for a read_committed reader (the last stable offset:
     * committed transactions before it, none after), to read up to later with {@link #readAll(Map, String, Map,
     * Consumer)}. Taking the checkpoints' ends before the records' ends means every checkpoint read names a
     * record that is read too.
     */
    public static Map<TopicPartition, Long> endOffsets(Map<String, Object> kafkaSettings, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(kafkaSettings)) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /**
     * As {@link #readAll(Map, String, Consumer)}, up to {@code ends} (from {@link #endOffsets}; null: each
     * partition's end when it is reached).
     */
    public static long readAll(
            Map<String, Object> kafkaSettings,
            String topic,
            Map<TopicPartition, Long> ends,
            Consumer<ConsumerRecord<String, byte[]>> sink) {
        long read = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer(kafkaSettings)) {
            for (TopicPartition tp : partitions(consumer, topic)) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                // for a read_committed consumer the end offset is the last stable offset: later records may still abort
                long end = ends != null && ends.containsKey(tp)
                        ? ends.get(tp)
                        : consumer.endOffsets(List.of(tp)).get(tp);
                long lastProgress = System.nanoTime();
                while (consumer.position(tp) < end) {
                    var batch = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, byte[]> r : batch.records(tp)) {
                        if (r.offset() >= end) {
                            break;
                        }
                        sink.accept(r);
                        read++;
                    }
                    if (!batch.isEmpty()) {
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException(
                                "reading " + tp + " stalled at offset " + consumer.position(tp) + " of " + end);
                    }
                }
            }
        }
        return read;
    }

    /**
     * Verifies the audit log {@code topic} against the checkpoints on {@code headsTopic} under {@code keys}: the
     * checkpoints' ends taken first, then the records', the checkpoints read, then the records
     * ({@link ChainVerifier}). {@code facestream audit verify}.
     */
    public static ChainVerifier.Result verify(
            Map<String, Object> kafkaSettings, String topic, String headsTopic, AuditKeyring keys) {
        Map<TopicPartition, Long> headEnds = endOffsets(kafkaSettings, headsTopic);
        Map<TopicPartition, Long> recordEnds = endOffsets(kafkaSettings, topic);
        ChainVerifier verifier = new ChainVerifier(keys);
        readAll(
                kafkaSettings,
                headsTopic,
                headEnds,
                r -> verifier.acceptCheckpoint(
                        new ChainVerifier.Position(r.topic(), r.partition(), r.offset()), r.key(), r.value()));
        readAll(
                kafkaSettings,
                topic,
                recordEnds,
                r -> verifier.accept(
                        new ChainVerifier.Position(r.topic(), r.partition(), r.offset()), r.key(), r.value()));
        return verifier.result();
    }

    private static KafkaConsumer<String, byte[]> consumer(Map<String, Object> kafkaSettings) {
        Map<String, Object> c = new HashMap<>(kafkaSettings);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "facestream-audit-reader");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException(
                    "expected topic " + topic + ", found none (create the catalogue's topics: ops/create-topics.sh)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.stream()
                .mapToInt(PartitionInfo::partition)
                .sorted()
                .forEach(p -> partitions.add(new TopicPartition(topic, p)));
        return partitions;
    }
}

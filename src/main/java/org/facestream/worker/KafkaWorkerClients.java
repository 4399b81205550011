package org.facestream.worker;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.config.WorkerConfig;

/**
 * The worker's real Kafka clients: a {@code read_committed} consumer in group {@value WorkerConfig#GROUP_ID}
 * that commits only through the producer's transactions, and an idempotent producer whose transactional id
 * ({@link WorkerConfig#transactionalId()}) is stable per instance, so a restarted instance fences its own
 * zombie. Client ids are the transactional id with {@code -consumer} and {@code -producer}. Immutable and
 * thread-safe; each call opens new clients.
 */
final class KafkaWorkerClients implements WorkerClients {
    /** Largest fetch per partition and largest produce request: one record is a JPEG frame of up to a few MB. */
    private static final int MAX_FETCH_OR_REQUEST_BYTES = 16 * 1024 * 1024;
    /** A batch of frames can take seconds on a small CPU; leave room before the group evicts the instance. */
    private static final int MAX_POLL_INTERVAL_MS = 300_000;

    private final Map<String, Object> kafkaSettings;

    KafkaWorkerClients(Map<String, Object> kafkaSettings) {
        this.kafkaSettings = Map.copyOf(kafkaSettings);
    }

    @Override
    public Consumer<String, byte[]> consumer(WorkerConfig config) {
        return new KafkaConsumer<>(consumerSettings(config), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Producer<byte[], byte[]> producer(WorkerConfig config) {
        return new KafkaProducer<>(producerSettings(config), new ByteArraySerializer(), new ByteArraySerializer());
    }

    Map<String, Object> consumerSettings(WorkerConfig config) {
        Map<String, Object> m = new HashMap<>(kafkaSettings);
        m.put(ConsumerConfig.GROUP_ID_CONFIG, WorkerConfig.GROUP_ID);
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-consumer");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatchFrames());
        m.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS);
        m.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_FETCH_OR_REQUEST_BYTES);
        return m;
    }

    Map<String, Object> producerSettings(WorkerConfig config) {
        Map<String, Object> m = new HashMap<>(kafkaSettings);
        m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        m.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-producer");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        m.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_FETCH_OR_REQUEST_BYTES);
        return m;
    }
}

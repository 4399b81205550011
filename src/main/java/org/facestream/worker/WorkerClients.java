package org.facestream.worker;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.facestream.config.WorkerConfig;

/**
 * Opens the two Kafka clients one {@link VisionWorker} instance uses: the consumer of frames and the
 * transactional producer of observations and dead letters. The worker calls both on its own thread when it
 * starts and closes both when it stops, so a worker that never runs opens nothing. Production uses {@link
 * #kafka}; unit tests hand in Kafka's {@code MockConsumer} and {@code MockProducer}.
 */
public interface WorkerClients {
    /** A consumer for {@code config}'s instance, not yet subscribed; the worker owns and closes it. */
    Consumer<String, byte[]> consumer(WorkerConfig config);

    /** A transactional producer for {@code config}'s instance, transactions not yet initialised; the worker owns and closes it. */
    Producer<byte[], byte[]> producer(WorkerConfig config);

    /** The real clients, built from the common Kafka client settings (bootstrap, security) of {@code kafkaSettings}. */
    static WorkerClients kafka(Map<String, Object> kafkaSettings) {
        return new KafkaWorkerClients(kafkaSettings);
    }
}

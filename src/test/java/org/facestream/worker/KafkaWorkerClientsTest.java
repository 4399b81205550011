package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.facestream.config.WorkerConfig;
import org.junit.jupiter.api.Test;

class KafkaWorkerClientsTest {
    private static final WorkerConfig CONFIG = ScriptedVision.config("host-2");
    /** Common settings as FaceStreamConfig passes them: bootstrap, security, and a client id the worker's own replaces. */
    private static final Map<String, Object> COMMON =
            Map.of("bootstrap.servers", "localhost:9", "security.protocol", "PLAINTEXT", "client.id", "someone-else");

    private final KafkaWorkerClients clients = new KafkaWorkerClients(COMMON);

    @Test
    void theConsumerReadsCommittedFramesInTheWorkerGroupAndNeverCommitsByItself() {
        assertThat(clients.consumerSettings(CONFIG))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "bootstrap.servers", "localhost:9",
                        "security.protocol", "PLAINTEXT",
                        "group.id", "facestream-worker",
                        "client.id", "facestream-worker-host-2-consumer",
                        "enable.auto.commit", false,
                        "isolation.level", "read_committed",
                        "auto.offset.reset", "earliest",
                        "max.poll.records", 8,
                        "max.poll.interval.ms", 300_000,
                        "max.partition.fetch.bytes", 16 * 1024 * 1024));
    }

    @Test
    void theProducerIsTransactionalUnderTheInstancesStableId() {
        assertThat(clients.producerSettings(CONFIG))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "bootstrap.servers", "localhost:9",
                        "security.protocol", "PLAINTEXT",
                        "transactional.id", "facestream-worker-host-2",
                        "client.id", "facestream-worker-host-2-producer",
                        "enable.idempotence", true,
                        "acks", "all",
                        "linger.ms", 5,
                        "max.request.size", 16 * 1024 * 1024));
    }

    @Test
    void kafkasOwnClientsAcceptTheSettingsWithoutABroker() {
        try (Consumer<String, byte[]> c = clients.consumer(CONFIG);
                Producer<byte[], byte[]> p = clients.producer(CONFIG)) {
            assertThat(c).isInstanceOf(KafkaConsumer.class);
            assertThat(p).isInstanceOf(KafkaProducer.class);
            p.close(Duration.ZERO);
        }
    }
}

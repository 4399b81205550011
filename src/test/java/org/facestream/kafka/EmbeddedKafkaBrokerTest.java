package org.facestream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {
    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        System.err.printf("broker start took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        TopicCatalogue.load().ensureTopics(admin);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.formattedNow()).isTrue();
        var nodes = admin.describeCluster().nodes().get();
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.host()).isEqualTo("127.0.0.1");
            assertThat(n.port()).isEqualTo(broker.port());
        });
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.clusterId());
        assertThat(EmbeddedKafkaBroker.settings(dir, 1, 2, Map.of()).get("listeners"))
                .isEqualTo("PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2");
    }

    @Test
    void createsCatalogueTopicsWithTheirConfigsAndIsIdempotent() throws Exception {
        TopicCatalogue catalogue = TopicCatalogue.load();
        Set<String> names = admin.listTopics().names().get();
        assertThat(names).contains(Topics.FRAMES, Topics.FACES, Topics.GALLERY, Topics.IDENTITIES, Topics.DEADLETTER);

        var gallery = new ConfigResource(ConfigResource.Type.TOPIC, Topics.GALLERY);
        var frames = new ConfigResource(ConfigResource.Type.TOPIC, Topics.FRAMES);
        var keys = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SUBJECT_KEYS);
        var configs =
                admin.describeConfigs(List.of(gallery, frames, keys)).all().get();
        // destroyed data keys must leave the disk soon: quick segment rolls and cleaning
        assertThat(configs.get(keys).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get(keys).get("segment.ms").value()).isEqualTo("3600000");
        assertThat(configs.get(keys).get("max.compaction.lag.ms").value()).isEqualTo("3600000");
        assertThat(configs.get(keys).get("min.cleanable.dirty.ratio").value()).isEqualTo("0.01");
        assertThat(configs.get(keys).get("delete.retention.ms").value()).isEqualTo("86400000");
        assertThat(configs.get(gallery).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get(gallery).get("retention.ms").value()).isEqualTo("-1");
        assertThat(configs.get(frames).get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(configs.get(frames).get("retention.ms").value()).isEqualTo("3600000");
        assertThat(configs.get(frames).get("max.message.bytes").value()).isEqualTo("8388608");
        var described = admin.describeTopics(List.of(Topics.FRAMES, Topics.GALLERY))
                .allTopicNames()
                .get();
        assertThat(described.get(Topics.FRAMES).partitions()).hasSize(4);
        assertThat(described.get(Topics.GALLERY).partitions()).hasSize(1);

        var again = catalogue.ensureTopics(admin);
        assertThat(again.created()).isEmpty();
        assertThat(again.existing()).hasSize(catalogue.topics().size());
    }

    @Test
    void producesAndConsumesARecord() {
        String topic = "facestream.test-roundtrip.v1";
        createTopic(topic);
        try (var producer =
                new KafkaProducer<>(producerConfig(Map.of()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "cam-1", "hello")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        List<ConsumerRecord<String, String>> got = consumeAll(topic, 1, IsolationLevel.READ_UNCOMMITTED);
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("cam-1");
            assertThat(r.value()).isEqualTo("hello");
        });
    }

    @Test
    void transactionalProducerCommitsOnOneNode() {
        String topic = "facestream.test-transactions.v1";
        createTopic(topic);
        long t0 = System.nanoTime();
        try (var producer = new KafkaProducer<>(
                producerConfig(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "facestream-test-tx")),
                new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
            producer.commitTransaction();
        }
        System.err.printf("two transactions took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        List<String> values = consumeAll(topic, 2, IsolationLevel.READ_COMMITTED).stream()
                .map(ConsumerRecord::value)
                .toList();
        assertThat(values).containsExactly("committed-1", "committed-2");
    }

    @Test
    void restartOnTheSameDirectoryKeepsClusterIdTopicsAndRecords(@TempDir Path own) throws Exception {
        Path data = own.resolve("kafka");
        String clusterId;
        try (var first = EmbeddedKafkaBroker.start(data);
                var a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()));
                var producer = new KafkaProducer<>(
                        Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
                        new StringSerializer(),
                        new StringSerializer())) {
            clusterId = first.clusterId();
            assertThat(TopicCatalogue.load().ensureTopics(a).created()).contains(Topics.GALLERY);
            producer.send(new ProducerRecord<>(Topics.GALLERY, "subject-1", "kept"))
                    .get();
        }
        long t0 = System.nanoTime();
        try (var second = EmbeddedKafkaBroker.start(data);
                var a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {
            System.err.printf("broker restart took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(second.formattedNow()).isFalse();
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(a.describeCluster().clusterId().get()).isEqualTo(clusterId);
            var ensured = TopicCatalogue.load().ensureTopics(a);
            assertThat(ensured.created()).isEmpty();
            assertThat(ensured.existing()).contains(Topics.GALLERY, Topics.FRAMES);
            var got = consumeAll(second.bootstrapServers(), Topics.GALLERY, 1, IsolationLevel.READ_UNCOMMITTED);
            assertThat(got).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("subject-1");
                assertThat(r.value()).isEqualTo("kept");
            });
        }
    }

    @Test
    void reachabilityPassesOnTheBrokerAndFailsFastOnAClosedPort() {
        var info = KafkaReachability.require(broker.bootstrapServers(), Duration.ofSeconds(5));
        assertThat(info.clusterId()).isEqualTo(broker.clusterId());
        assertThat(info.brokers()).isEqualTo(1);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> KafkaReachability.require("127.0.0.1:9", Duration.ofSeconds(2)))
                .isInstanceOf(KafkaReachability.KafkaUnreachableException.class)
                .hasMessageStartingWith("Kafka at 127.0.0.1:9 is unreachable after 2 s: ");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tookMs).isBetween(1_500L, 4_500L);
    }

    private static void createTopic(String topic) {
        try {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> extra) {
        var config = new java.util.HashMap<String, Object>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"));
        config.putAll(extra);
        return config;
    }

    private static List<ConsumerRecord<String, String>> consumeAll(
            String topic, int expected, IsolationLevel isolation) {
        return consumeAll(broker.bootstrapServers(), topic, expected, isolation);
    }

    static List<ConsumerRecord<String, String>> consumeAll(
            String bootstrap, String topic, int expected, IsolationLevel isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation.toString());
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                if (got.size() >= expected) {
                    // one more short poll: a record too many would show up here
                    consumer.poll(Duration.ofMillis(300)).forEach(got::add);
                    break;
                }
            }
        }
        assertThat(got.stream().map(ConsumerRecord::topic).collect(Collectors.toSet()))
                .containsOnly(topic);
        return got;
    }
}

package org.facestream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one topic reader on the real broker: read_committed (an aborted transaction never shows), every
 * partition from where its start says, the records of each poll handed over with the positions after them,
 * caught up against the end offsets, closed from another thread.
 */
class TopicTailTest {
    private static final String TOPIC = "tail-test.v1";
    private static final String OTHER = "tail-other.v1";

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Map<String, Object> kafka;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic(OTHER, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        // per partition: five committed records, then three of an aborted transaction
        send(TOPIC, "old-", 5, true);
        send(TOPIC, "aborted-", 3, false);
        send(OTHER, "other-", 2, true);
    }

    @AfterAll
    static void stop() {
        producer.close();
        broker.close();
    }

    /** {@code n} records to each partition of {@code topic}, values {@code prefix<partition>-<i>}, in one transaction. */
    private static void send(String topic, String prefix, int n, boolean commit) throws Exception {
        int partitions = topic.equals(TOPIC) ? 2 : 1;
        producer.beginTransaction();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(
                                topic, p, "k", (prefix + p + "-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private static String value(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, Duration.ofSeconds(30), condition::getAsBoolean);
    }

    @Test
    void readsEveryCommittedRecordFromTheBeginningToTheEndAndNoAbortedOne() {
        List<String> read = new ArrayList<>();
        TopicTail.of(
                        kafka,
                        "tail-test-snapshot",
                        Map.of(TOPIC, TopicTail.Start.BEGINNING, OTHER, TopicTail.Start.BEGINNING))
                .readToEnd(Duration.ofSeconds(30), r -> read.add(value(r)));
        assertThat(read)
                .containsExactlyInAnyOrder(
                        "old-0-0",
                        "old-0-1",
                        "old-0-2",
                        "old-0-3",
                        "old-0-4",
                        "old-1-0",
                        "old-1-1",
                        "old-1-2",
                        "old-1-3",
                        "old-1-4",
                        "other-0-0",
                        "other-0-1");
    }

    @Test
    void tailsTheLastRecordsOfEachPartitionThenNewOnesAndSaysWhenItHasCaughtUp() throws Exception {
        List<String> read = Collections.synchronizedList(new ArrayList<>());
        Map<TopicPartition, Long> lastPositions = Collections.synchronizedMap(new HashMap<>());
        // per partition: offsets 0-4 committed, 5 its marker, 6-8 aborted, 9 the abort marker; the end is 10
        try (TopicTail tail = TopicTail.of(kafka, "tail-test-live", TOPIC, TopicTail.Start.last(8))) {
            tail.start("tail-test", batch -> {
                batch.records().forEach(r -> read.add(value(r)));
                lastPositions.putAll(batch.positions());
            });
            await("positioned and caught up", () -> tail.positioned() && tail.caughtUp());
            // eight offsets before the end: from offset 2, of which only the committed records show
            assertThat(read)
                    .containsExactlyInAnyOrder("old-0-2", "old-0-3", "old-0-4", "old-1-2", "old-1-3", "old-1-4");
            send(TOPIC, "new-", 1, true);
            await("the new records", () -> read.size() == 8);
            assertThat(read).contains("new-0-0", "new-1-0");
            Map<TopicPartition, Long> ends = Map.of(
                    new TopicPartition(TOPIC, 0),
                    lastPositions.get(new TopicPartition(TOPIC, 0)),
                    new TopicPartition(TOPIC, 1),
                    lastPositions.get(new TopicPartition(TOPIC, 1)));
            await("caught up to the new ends", () -> tail.caughtUp(ends));
            assertThat(tail.caughtUp(Map.of(new TopicPartition(TOPIC, 0), ends.get(new TopicPartition(TOPIC, 0)) + 1)))
                    .isFalse();
        }
        int before = read.size();
        send(TOPIC, "after-close-", 1, true);
        assertThat(read).as("nothing is read once closed").hasSize(before);
    }

    @Test
    void fromTheEndReadsOnlyWhatIsWrittenOnceItIsPositioned() throws Exception {
        List<String> read = Collections.synchronizedList(new ArrayList<>());
        try (TopicTail tail = TopicTail.of(kafka, "tail-test-end", OTHER, TopicTail.Start.END)) {
            Thread reader = Thread.ofPlatform()
                    .start(() -> tail.run(batch -> batch.records().forEach(r -> read.add(value(r)))));
            await("positioned", tail::positioned);
            send(OTHER, "later-", 1, true);
            await("the later record", () -> read.contains("later-0-0"));
            assertThat(read).containsExactly("later-0-0");
            assertThatThrownBy(() -> tail.run(batch -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already reading");
            tail.close();
            reader.join(10_000);
            assertThat(reader.isAlive()).as("run returns once closed").isFalse();
        }
    }

    @Test
    void startsAreCountedFromTheEndButNeverBeforeTheBeginning() {
        assertThat(TopicTail.Start.BEGINNING.offset(3, 10)).isEqualTo(3);
        assertThat(TopicTail.Start.last(4).offset(3, 10)).isEqualTo(6);
        assertThat(TopicTail.Start.last(40).offset(3, 10)).isEqualTo(3);
        assertThat(TopicTail.Start.END.offset(3, 10)).isEqualTo(10);
        assertThatThrownBy(() -> TopicTail.Start.last(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}

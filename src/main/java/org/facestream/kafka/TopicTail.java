package org.facestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics, assigned, without a consumer group (every reader sees everything
 * and commits nothing), {@code isolation.level=read_committed} (records of aborted transactions never show),
 * each topic from where its {@link Start} says; keys are strings, values bytes. The one way FaceStream's
 * views (the API's gallery view and live feeds, the identity tap, the key and gallery snapshots) read a
 * topic: either {@link #run} hands each poll's records to a handler until {@link #close()} (on the caller's
 * thread, or {@link #start}'s own), or {@link #readToEnd} reads to the end offsets found and returns.
 *
 * <p>Thread safety: {@link #positioned()}, {@link #caughtUp()}, {@link #caughtUp(Map)} and {@link #close()}
 * may be called from any thread; the rest belongs to the one reading thread (Kafka's consumer is not
 * thread-safe, so the consumer is closed by that thread when it stops).
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * Where reading a topic starts in each of its partitions.
     *
     * @param offsetsBeforeEnd how many offsets before the end offset found when reading starts (never before the
     *     partition's first offset); {@link Long#MAX_VALUE} for the beginning
     */
    public record Start(long offsetsBeforeEnd) {
        /** Every record still on the topic. */
        public static final Start BEGINNING = new Start(Long.MAX_VALUE);
        /** Only records that become readable after reading starts. */
        public static final Start END = new Start(0);

        public Start {
            if (offsetsBeforeEnd < 0) {
                throw new IllegalArgumentException("expected offsets before the end >= 0, found " + offsetsBeforeEnd);
            }
        }

        /**
         * The last {@code n} offsets of each partition, then every new record: the last {@code n} records, fewer
         * where transaction markers and aborted records take offsets, or the partition holds fewer.
         */
        public static Start last(long n) {
            return new Start(n);
        }

        long offset(long begin, long end) {
            return offsetsBeforeEnd >= end - begin ? begin : end - offsetsBeforeEnd;
        }
    }

    /**
     * One poll's records and where the reader stands after them.
     *
     * @param records the records, in offset order per partition (none when the poll found nothing)
     * @param positions the next offset to read of every assigned partition
     */
    public record Batch(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        public Batch {
            records = List.copyOf(records);
            positions = Map.copyOf(positions);
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String clientId;
    private final Map<String, Start> topics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean started = new AtomicBoolean();
    private final Object lock = new Object();
    private Map<TopicPartition, Long> endsAtStart = Map.of();
    private Map<TopicPartition, Long> positions = Map.of();
    private volatile boolean positioned;
    private volatile Thread thread;

    private TopicTail(Map<String, Object> kafkaSettings, String clientId, Map<String, Start> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("expected at least one topic to read, found none");
        }
        Map<String, Object> m = new HashMap<>(kafkaSettings);
        m.remove(ConsumerConfig.GROUP_ID_CONFIG);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.clientId = clientId;
        this.topics = Map.copyOf(topics);
        this.consumer = new KafkaConsumer<>(m, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A reader of {@code topics} (name to where reading starts, in the order given), its consumer named
     * {@code clientId}. Nothing is read before {@link #run}, {@link #start} or {@link #readToEnd}.
     */
    public static TopicTail of(Map<String, Object> kafkaSettings, String clientId, Map<String, Start> topics) {
        return new TopicTail(kafkaSettings, clientId, new LinkedHashMap<>(topics));
    }

    /** A reader of one topic from {@code start}. */
    public static TopicTail of(Map<String, Object> kafkaSettings, String clientId, String topic, Start start) {
        return of(kafkaSettings, clientId, Map.of(topic, start));
    }

    /** Runs {@link #run} on a new daemon thread named {@code threadName}; returns this reader. */
    public TopicTail start(String threadName, Consumer<Batch> handler) {
        Thread t = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> run(handler));
        thread = t;
        t.start();
        return this;
    }

    /**
     * Assigns every partition of the topics, positions each as its {@link Start} says, then hands every poll's
     * records to {@code handler} (also a poll that found none, so a reader sees positions move past
     * transaction markers) until {@link #close()}. A failure of the consumer or the handler ends the reading,
     * logged; the consumer is closed on the way out.
     */
    public void run(Consumer<Batch> handler) {
        if (started.getAndSet(true)) {
            if (!running.get()) {
                return; // closed before it read: close() has closed the consumer
            }
            throw new IllegalStateException("topic reader " + clientId + " is already reading, or closed");
        }
        try {
            List<TopicPartition> tps = assignAndPosition();
            positioned = true;
            while (running.get()) {
                var records = consumer.poll(POLL);
                Map<TopicPartition, Long> now = new HashMap<>();
                for (TopicPartition tp : tps) {
                    now.put(tp, consumer.position(tp));
                }
                List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(records.count());
                records.forEach(list::add);
                handler.accept(new Batch(list, now));
                synchronized (lock) {
                    positions = Map.copyOf(now);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running.get()) {
                LOG.error("{} stopped reading {}", clientId, topics.keySet(), e);
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Reads every topic from its start to the end offsets found when reading starts, handing each record to
     * {@code each}, then closes the consumer.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public void readToEnd(Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
        if (started.getAndSet(true)) {
            throw new IllegalStateException("topic reader " + clientId + " is already reading, or closed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (consumer) {
            List<TopicPartition> tps = assignAndPosition();
            Map<TopicPartition, Long> ends = endsAtStart;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("expected to read " + String.join(" and ", topics.keySet())
                            + " to its end within " + timeout.toSeconds() + " s, found it still reading");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r);
                }
            }
        }
    }

    private List<TopicPartition> assignAndPosition() {
        List<TopicPartition> tps = new ArrayList<>();
        for (String topic : topics.keySet()) {
            consumer.partitionsFor(topic, METADATA_TIMEOUT)
                    .forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(tps);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps, METADATA_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(tps, METADATA_TIMEOUT);
        for (TopicPartition tp : tps) {
            consumer.seek(tp, topics.get(tp.topic()).offset(begins.get(tp), ends.get(tp)));
        }
        synchronized (lock) {
            endsAtStart = Map.copyOf(ends);
        }
        return tps;
    }

    /** True once every partition is assigned and positioned: records that become readable from now on are read. */
    public boolean positioned() {
        return positioned;
    }

    /**
     * True once the handler has had every record before the end offsets found when reading started (for a
     * read_committed reader, the last stable offsets then).
     */
    public boolean caughtUp() {
        synchronized (lock) {
            return !endsAtStart.isEmpty() && reached(endsAtStart);
        }
    }

    /** True once the handler has had every record before {@code endOffsets} (a partition whose end is 0 has none). */
    public boolean caughtUp(Map<TopicPartition, Long> endOffsets) {
        synchronized (lock) {
            return reached(endOffsets);
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (var e : ends.entrySet()) {
            if (e.getValue() > 0 && positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops reading: wakes the reading thread, which closes the consumer, and waits up to 10 s for a thread
     * {@link #start} made. A reader that never read closes its consumer here.
     */
    @Override
    public void close() {
        running.set(false);
        if (!started.getAndSet(true)) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            return;
        }
        consumer.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

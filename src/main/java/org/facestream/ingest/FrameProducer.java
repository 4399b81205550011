package org.facestream.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.events.EventSerdes;
import org.facestream.events.Frame;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link Frame}s to {@link Topics#FRAMES}, keyed by camera id so one camera's frames stay in order
 * on one partition. Sends are asynchronous; delivery is counted in callbacks.
 *
 * <p>Thread-safe (Kafka's producer is); normally one encode/produce thread uses it.
 */
public final class FrameProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FrameProducer.class);
    /** The frames topic accepts 8 MiB records (topics.json); a producer request must fit one. */
    static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final Producer<String, Frame> producer;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public FrameProducer(Producer<String, Frame> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** A producer for {@code bootstrap} with {@link #producerConfig} and FaceStream's frame serde. */
    public static FrameProducer connect(String bootstrap, String cameraId) {
        return connect(Map.of(), bootstrap, cameraId);
    }

    /**
     * As {@link #connect(String, String)}, with client settings (TLS, SASL, ...) that the frame producer's own
     * settings then override.
     */
    public static FrameProducer connect(Map<String, Object> clientSettings, String bootstrap, String cameraId) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.putAll(producerConfig(bootstrap, cameraId));
        return new FrameProducer(
                new KafkaProducer<>(
                        config, new StringSerializer(), EventSerdes.frames().serializer()),
                Topics.FRAMES);
    }

    /**
     * Producer settings for frames: acks=all with idempotence (no duplicates or reordering on retry), no
     * compression (JPEG does not compress further; it would only burn CPU), a short linger so several
     * cameras' frames can share a request without adding visible latency.
     */
    public static Map<String, Object> producerConfig(String bootstrap, String cameraId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "facestream-ingest-" + cameraId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return config;
    }

    /** Sends asynchronously; failures are counted and logged, never thrown at the caller. */
    public void send(Frame frame) {
        try {
            producer.send(new ProducerRecord<>(topic, frame.cameraId(), frame), (metadata, error) -> {
                if (error == null) {
                    sent.incrementAndGet();
                } else {
                    fail(frame, error);
                }
            });
        } catch (KafkaException e) {
            fail(frame, e);
        }
    }

    private void fail(Frame frame, Exception error) {
        long n = failed.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            log.warn("frame {} not delivered to {} ({} failed so far): {}", frame, topic, n, error.toString());
        }
    }

    /** Waits until every frame sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** Frames the broker acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Frames that could not be delivered. */
    public long failed() {
        return failed.get();
    }

    /** Flushes and closes, waiting at most {@code timeout} for outstanding frames. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}

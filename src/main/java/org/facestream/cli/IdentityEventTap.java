package org.facestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.events.EventSerdes;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed identity events from the start of {@link Topics#IDENTITIES} (a {@link TopicTail}), optionally prints each as one
 * CloudEvents JSON line, and keeps what the demo's summary needs: events per subject and frame-to-event
 * latency (time the event became readable minus the frame's capture time). Runs on its own thread.
 */
final class IdentityEventTap implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityEventTap.class);

    private final TopicTail tail;
    private final PrintStream out;
    private final IdentityEventSerde serde = EventSerdes.identities();
    private final Object lock = new Object();
    private final Map<String, Integer> bySubject = new TreeMap<>();
    // counts and a histogram, not the events themselves: a --loop demo runs for days
    private final LatencyHistogram latency;
    private final LatencyHistogram ownLatency = new LatencyHistogram();
    private long events;
    private Instant lastEventAt;

    IdentityEventTap(Map<String, Object> kafkaSettings, PrintStream out, MetricsRegistry metrics) {
        this.latency = metrics.histogram(
                "stage_latency_seconds",
                "Per-stage processing latency",
                MetricsRegistry.label("stage", "capture_to_event"));
        this.tail =
                TopicTail.of(kafkaSettings, "facestream-identity-tap", Topics.IDENTITIES, TopicTail.Start.BEGINNING);
        this.out = out;
    }

    /** Reads until {@link #close()}, on the caller's thread. */
    @Override
    public void run() {
        tail.run(batch -> batch.records().forEach(this::accept));
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        Instant now = Instant.now();
        IdentityEvent e;
        try {
            e = serde.deserialize(r.topic(), r.value());
        } catch (SerializationException ex) {
            LOG.warn(
                    "identity event at {}-{}@{} does not read: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    ex.getMessage());
            return;
        }
        if (e == null) {
            return;
        }
        if (out != null) {
            try {
                out.println(Json.MAPPER.writeValueAsString(IdentityEventSerde.toCloudEvent(e)));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        synchronized (lock) {
            bySubject.merge(e.subjectOrUnknown(), 1, Integer::sum);
            double ms = Duration.between(e.capturedAt(), now).toNanos() / 1e6;
            latency.recordMillis(ms);
            ownLatency.recordMillis(ms);
            events++;
            lastEventAt = now;
        }
    }

    /** Number of events read so far. */
    long eventCount() {
        synchronized (lock) {
            return events;
        }
    }

    Map<String, Integer> countsBySubject() {
        synchronized (lock) {
            return new TreeMap<>(bySubject);
        }
    }

    Instant lastEventAt() {
        synchronized (lock) {
            return lastEventAt;
        }
    }

    /** The q-quantile of frame-to-event latency in milliseconds (within 2.5%), 0 when none. */
    double latencyQuantileMs(double q) {
        return ownLatency.quantileMillis(q);
    }

    /** True once this tap has read up to {@code endOffsets} (read_committed ends) of every partition. */
    boolean caughtUp(Map<TopicPartition, Long> endOffsets) {
        return tail.caughtUp(endOffsets);
    }

    @Override
    public void close() {
        tail.close();
    }
}

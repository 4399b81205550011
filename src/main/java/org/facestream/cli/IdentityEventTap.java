package org.facestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed identity events from the start of {@link Topics#IDENTITIES}, optionally prints each as one
 * CloudEvents JSON line, and keeps what the demo's summary needs: events per subject and frame-to-event
 * latency (time the event became readable minus the frame's capture time). Runs on its own thread.
 */
final class IdentityEventTap implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityEventTap.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final PrintStream out;
  private final IdentityEventSerde serde = EventSerdes.identities();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Object lock = new Object();
  private final Map<String, Integer> bySubject = new TreeMap<>();
  // counts and a histogram, not the events themselves: a --loop demo runs for days
  private final LatencyHistogram latency;
  private final LatencyHistogram ownLatency = new LatencyHistogram();
  private long events;
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private Instant lastEventAt;

  IdentityEventTap(Map<String, Object> kafkaSettings, PrintStream out, MetricsRegistry metrics) {
    this.latency = metrics.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "capture_to_event"));
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, "facestream-tap-" + UUID.randomUUID());
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.out = out;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(Topics.IDENTITIES));
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          accept(r);
        }
        // positions are only readable on this thread; publish them for caughtUp()
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
          now.put(tp, consumer.position(tp));
        }
        synchronized (lock) {
          positions.putAll(now);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    Instant now = Instant.now();
    IdentityEvent e;
    try {
      e = serde.deserialize(r.topic(), r.value());
    } catch (SerializationException ex) {
      LOG.warn("identity event at {}-{}@{} does not read: {}", r.topic(), r.partition(), r.offset(), ex.getMessage());
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
    synchronized (lock) {
      for (var e : endOffsets.entrySet()) {
        if (e.getValue() > 0 && positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}

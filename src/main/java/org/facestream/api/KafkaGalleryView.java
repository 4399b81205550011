package org.facestream.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.events.GalleryRecord;
import org.facestream.events.JsonSerde;
import org.facestream.events.Serdes;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GalleryView} from Kafka: one thread reads every partition of the compacted
 * {@code facestream.gallery.v1} from the beginning (assigned, no consumer group: every API instance needs
 * the whole gallery), read_committed; a record replaces the subject, a tombstone or an unreadable record
 * removes it (the matcher treats unreadable records as erasures too, so both show the same gallery).
 * Thread-safe.
 */
public final class KafkaGalleryView implements GalleryView, Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaGalleryView.class);
  private final KafkaConsumer<String, byte[]> consumer;
  private final JsonSerde<GalleryRecord> serde = Serdes.gallery();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Object lock = new Object();
  private final Map<String, GalleryRecord> subjects = new HashMap<>();
  private final Map<Integer, Long> positions = new HashMap<>();
  private Map<Integer, Long> startEnds = Map.of();
  private final Thread thread;

  private KafkaGalleryView(Map<String, Object> kafkaSettings) {
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.remove(ConsumerConfig.GROUP_ID_CONFIG);
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.CLIENT_ID_CONFIG, "facestream-api-gallery");
    consumer = new KafkaConsumer<>(m, new StringDeserializer(), new ByteArrayDeserializer());
    thread = Thread.ofPlatform().daemon().name("api-gallery-view").unstarted(this);
  }

  /** Starts reading the gallery topic; the view fills as it catches up (see {@link #caughtUp()}). */
  public static KafkaGalleryView start(Map<String, Object> kafkaSettings) {
    KafkaGalleryView v = new KafkaGalleryView(kafkaSettings);
    v.thread.start();
    return v;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> tps = consumer.partitionsFor(Topics.GALLERY, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<Integer, Long> ends = new HashMap<>();
      consumer.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, o) -> ends.put(tp.partition(), o));
      synchronized (lock) {
        startEnds = ends;
      }
      while (running.get()) {
        var records = consumer.poll(Duration.ofMillis(100));
        Map<Integer, Long> now = new HashMap<>();
        for (TopicPartition tp : tps) {
          now.put(tp.partition(), consumer.position(tp));
        }
        synchronized (lock) {
          for (ConsumerRecord<String, byte[]> r : records) {
            apply(r);
          }
          positions.putAll(now);
          lock.notifyAll();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running.get()) {
        LOG.error("gallery view stopped reading {}", Topics.GALLERY, e);
      }
    } finally {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      LOG.warn("gallery record without a key at {}-{}@{}: skipped", r.topic(), r.partition(), r.offset());
      return;
    }
    if (r.value() == null) {
      subjects.remove(r.key());
      return;
    }
    try {
      GalleryRecord g = serde.deserialize(r.topic(), r.value());
      if (g != null && g.subjectId().equals(r.key())) {
        subjects.put(r.key(), g);
        return;
      }
      LOG.warn("gallery record at {}-{}@{} names subject {} under key {}: treated as erasure", r.topic(), r.partition(), r.offset(),
          g == null ? null : g.subjectId(), r.key());
    } catch (SerializationException e) {
      LOG.warn("gallery record at {}-{}@{} does not read ({}): treated as erasure", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
    subjects.remove(r.key());
  }

  @Override
  public SortedMap<String, GalleryRecord> subjects() {
    synchronized (lock) {
      return new TreeMap<>(subjects);
    }
  }

  @Override
  public Optional<GalleryRecord> subject(String subjectId) {
    synchronized (lock) {
      return Optional.ofNullable(subjects.get(subjectId));
    }
  }

  @Override
  public boolean awaitApplied(GalleryWriter.Written written, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (positions.getOrDefault(written.partition(), 0L) <= written.offset()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  @Override
  public boolean caughtUp() {
    synchronized (lock) {
      if (startEnds.isEmpty()) {
        return false;
      }
      for (var e : startEnds.entrySet()) {
        if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
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
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package org.facestream.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GalleryView} from Kafka: one thread reads every partition of the compacted
 * {@code facestream.gallery.v1} and {@code facestream.subject-keys.v1} from the beginning (assigned, no
 * consumer group: every API instance needs the whole gallery), read_committed, and keeps the subjects whose
 * sealed record opens under the data key it names, decrypted (the API merges new templates into a subject's
 * existing ones and lists their sources; embeddings never leave the process). The two topics arrive in no
 * order: a record whose key has not been read yet is held sealed and opened when the key comes. A tombstone
 * on either topic, an unreadable record and one that does not authenticate remove the subject (the matcher
 * treats them as erasures too, so both show the same gallery). Also the writer's {@link SubjectKeyLookup}.
 * Thread-safe.
 */
public final class KafkaGalleryView implements GalleryView, SubjectKeyLookup, Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaGalleryView.class);
  private final KafkaConsumer<String, byte[]> consumer;
  private final MasterKeys masterKeys;
  private final GalleryCipher cipher = new GalleryCipher();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Object lock = new Object();
  private final Map<String, SealedGalleryRecord> sealed = new HashMap<>();
  private final Map<String, SubjectKeyRecord> keys = new HashMap<>();
  private final Map<String, GalleryRecord> subjects = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private Map<TopicPartition, Long> startEnds = Map.of();
  private final Thread thread;

  private KafkaGalleryView(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.remove(ConsumerConfig.GROUP_ID_CONFIG);
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.CLIENT_ID_CONFIG, "facestream-api-gallery");
    this.masterKeys = masterKeys;
    consumer = new KafkaConsumer<>(m, new StringDeserializer(), new ByteArrayDeserializer());
    thread = Thread.ofPlatform().daemon().name("api-gallery-view").unstarted(this);
  }

  /** Starts reading the gallery and key topics; the view fills as it catches up (see {@link #caughtUp()}). */
  public static KafkaGalleryView start(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
    KafkaGalleryView v = new KafkaGalleryView(kafkaSettings, masterKeys);
    v.thread.start();
    return v;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> tps = Stream.of(Topics.GALLERY, Topics.SUBJECT_KEYS)
          .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream())
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(tps, Duration.ofSeconds(30)));
      synchronized (lock) {
        startEnds = ends;
      }
      while (running.get()) {
        var records = consumer.poll(Duration.ofMillis(100));
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition tp : tps) {
          now.put(tp, consumer.position(tp));
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
        LOG.error("gallery view stopped reading {} and {}", Topics.GALLERY, Topics.SUBJECT_KEYS, e);
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    String subject = r.key();
    if (subject == null) {
      LOG.warn("record without a key at {}-{}@{}: skipped", r.topic(), r.partition(), r.offset());
      return;
    }
    boolean gallery = r.topic().equals(Topics.GALLERY);
    Map<String, ?> target = gallery ? sealed : keys;
    if (r.value() == null) {
      target.remove(subject);
      refresh(subject);
      return;
    }
    try {
      if (gallery) {
        SealedGalleryRecord s = EventSerdes.gallery().deserialize(r.topic(), r.value());
        if (s.subjectId().equals(subject)) {
          sealed.put(subject, s);
          refresh(subject);
          return;
        }
        LOG.warn("gallery record at {}-{}@{} names subject {} under key {}: treated as erasure", r.topic(), r.partition(), r.offset(),
            s.subjectId(), subject);
      } else {
        SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
        if (k.subjectId().equals(subject)) {
          keys.put(subject, k);
          refresh(subject);
          return;
        }
        LOG.warn("data key record at {}-{}@{} names subject {} under key {}: treated as erasure", r.topic(), r.partition(), r.offset(),
            k.subjectId(), subject);
      }
    } catch (SerializationException e) {
      LOG.warn("record at {}-{}@{} does not read ({}): treated as erasure", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
    target.remove(subject);
    refresh(subject);
  }

  /** Re-decides one subject: listed when its sealed record opens under the key it names. */
  private void refresh(String subject) {
    SealedGalleryRecord s = sealed.get(subject);
    SubjectKeyRecord k = keys.get(subject);
    if (s == null || k == null || !k.keyId().equals(s.keyId())) {
      subjects.remove(subject); // erased, or waiting for its key
      return;
    }
    try {
      subjects.put(subject, cipher.open(s, masterKeys.unwrap(k)));
    } catch (DecryptionException e) {
      LOG.warn("gallery record of subject {} cannot be opened ({}): treated as erasure", subject, e.getMessage());
      subjects.remove(subject);
    }
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
  public Optional<SubjectKeyRecord> current(String subjectId) {
    synchronized (lock) {
      return Optional.ofNullable(keys.get(subjectId));
    }
  }

  /** Waits until the view has read past the gallery record and the key record of {@code written}. */
  @Override
  public boolean awaitApplied(GalleryWriter.Written written, Duration timeout) throws InterruptedException {
    TopicPartition tp = new TopicPartition(Topics.GALLERY, written.partition());
    TopicPartition keyTp = written.keyPartition() < 0 ? null : new TopicPartition(Topics.SUBJECT_KEYS, written.keyPartition());
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (positions.getOrDefault(tp, 0L) <= written.offset()
          || (keyTp != null && positions.getOrDefault(keyTp, 0L) <= written.keyOffset())) {
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

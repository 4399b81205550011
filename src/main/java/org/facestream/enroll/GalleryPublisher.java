package org.facestream.enroll;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Serdes;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;

/**
 * Writes the gallery, encrypted: the one writer of {@code facestream.gallery.v1} and
 * {@code facestream.subject-keys.v1}, used by the enroll command, the demo and the API. One idempotent
 * producer with {@code acks=all}; every write returns once the broker has acknowledged it.
 *
 * <p>Enrollment reuses the subject's data key when it has one, or makes one and writes it first, so that the
 * sealed record never reaches the topic before its key can. Erasure destroys the key first (the tombstone
 * that makes every copy of the subject's records unreadable) and then writes the gallery tombstone.
 *
 * <p>Thread-safe: writes are serialized, so two enrollments of a new subject cannot make two keys.
 */
public final class GalleryPublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final MasterKeys masterKeys;
  private final SubjectKeyLookup lookup;
  private final GalleryCipher cipher = new GalleryCipher();
  /** Keys this publisher made that the lookup may not have read back yet. */
  private final Map<String, SubjectKey> made = new HashMap<>();
  /** Keys this publisher destroyed, which a lagging lookup may still show: never reused. */
  private final Set<String> destroyed = new HashSet<>();

  /**
   * What an enrollment wrote.
   *
   * @param subjectId the enrolled subject
   * @param keyRecord where its new data key landed on {@code facestream.subject-keys.v1}, or null when its
   *     existing key was reused
   * @param galleryRecord where the sealed record landed on {@code facestream.gallery.v1}
   */
  public record Publication(String subjectId, RecordMetadata keyRecord, RecordMetadata galleryRecord) {}

  /**
   * What an erasure wrote.
   *
   * @param subjectId the erased subject
   * @param keyTombstone where the key tombstone landed on {@code facestream.subject-keys.v1}
   * @param galleryTombstone where the gallery tombstone landed on {@code facestream.gallery.v1}
   */
  public record Erasure(String subjectId, RecordMetadata keyTombstone, RecordMetadata galleryTombstone) {}

  /**
   * @param kafkaSettings client settings (bootstrap, TLS, SASL)
   * @param masterKeys wraps new data keys and unwraps the ones reused (null: erasure only)
   * @param lookup the subjects' current keys (the API's gallery view, or a snapshot of the key topic)
   * @param clientId the producer's client id
   */
  public GalleryPublisher(Map<String, Object> kafkaSettings, MasterKeys masterKeys, SubjectKeyLookup lookup, String clientId) {
    Map<String, Object> p = new HashMap<>(kafkaSettings);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.masterKeys = masterKeys;
    this.lookup = lookup;
  }

  /** A publisher that only erases: erasure destroys keys and needs no master key to do it. */
  public static GalleryPublisher forErasure(Map<String, Object> kafkaSettings, String clientId) {
    return new GalleryPublisher(kafkaSettings, null, subjectId -> Optional.empty(), clientId);
  }

  /** Seals {@code record} under its subject's data key (made and written first when it has none) and writes it. */
  public synchronized Publication publish(GalleryRecord record) {
    if (masterKeys == null) {
      throw new IllegalStateException("expected master keys to enroll " + record.subjectId() + ", found none (this publisher only erases)");
    }
    String subjectId = record.subjectId();
    SubjectKey key = reusableKey(subjectId);
    RecordMetadata keyWritten = null;
    if (key == null) {
      key = SubjectKey.generate(subjectId);
      keyWritten = send(Topics.SUBJECT_KEYS, subjectId, Serdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, masterKeys.wrap(key, Instant.now())));
      made.put(subjectId, key);
    }
    RecordMetadata sealed = send(Topics.GALLERY, subjectId, Serdes.gallery().serialize(Topics.GALLERY, cipher.seal(record, key)));
    return new Publication(subjectId, keyWritten, sealed);
  }

  /** Publishes every record, in order. */
  public void publishAll(Map<String, GalleryRecord> recordsBySubject) {
    recordsBySubject.values().forEach(this::publish);
  }

  /**
   * Erases a subject: destroys its data key (key tombstone), then writes the gallery tombstone. After the
   * first write every copy of its gallery records, on the topic, in stores or in backups, is undecryptable;
   * the second removes the ciphertext from the compacted topic and the matchers' stores.
   */
  public synchronized Erasure erase(String subjectId) {
    GalleryRecord.requireSubjectId(subjectId);
    lookup.current(subjectId).ifPresent(k -> destroyed.add(k.keyId()));
    SubjectKey mine = made.remove(subjectId);
    if (mine != null) {
      destroyed.add(mine.keyId());
    }
    RecordMetadata key = send(Topics.SUBJECT_KEYS, subjectId, null);
    RecordMetadata gallery = send(Topics.GALLERY, subjectId, null);
    return new Erasure(subjectId, key, gallery);
  }

  /** The subject's current key, or null when it has none (or only one this publisher destroyed). */
  private SubjectKey reusableKey(String subjectId) {
    Optional<SubjectKeyRecord> seen = lookup.current(subjectId).filter(k -> !destroyed.contains(k.keyId()));
    SubjectKey mine = made.get(subjectId);
    if (mine != null) {
      if (seen.isEmpty()) {
        return mine; // the lookup has not read it back yet
      }
      made.remove(subjectId); // read back (or replaced by another writer): the lookup is the truth again
    }
    if (seen.isEmpty()) {
      return null;
    }
    try {
      return masterKeys.unwrap(seen.get());
    } catch (DecryptionException e) {
      // re-keying would leave every matcher with the right master key unable to read the subject: fail loudly
      throw new IllegalStateException("cannot reuse the data key of subject " + subjectId + ": " + e.getMessage()
          + "; configure that master key (security.master.key.previous.files) or erase the subject first", e);
    }
  }

  private RecordMetadata send(String topic, String key, byte[] value) {
    try {
      return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}

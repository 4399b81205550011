package org.facestream.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.GalleryRecord;
import org.facestream.events.JsonSerde;
import org.facestream.events.Serdes;
import org.facestream.events.Topics;

/**
 * {@link GalleryWriter} on an {@link AuditLog}: the gallery record or tombstone and its audit record go in one
 * Kafka transaction of the log's producer (idempotent, {@code acks=all}), so no gallery change exists without
 * its audit record, and the audit record names the gallery offset ({@code details.gallery}). Used by the API
 * and by the {@code enroll} and {@code erase} commands. Thread-safe (the log serialises its transactions); the
 * log belongs to the caller.
 */
public final class KafkaGalleryWriter implements GalleryWriter {
  private final AuditLog audit;
  private final JsonSerde<GalleryRecord> serde = Serdes.gallery();

  public KafkaGalleryWriter(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public Written write(String subjectId, GalleryRecord record, AuditEntry entry) {
    ProducerRecord<byte[], byte[]> gallery = new ProducerRecord<>(Topics.GALLERY, subjectId.getBytes(StandardCharsets.UTF_8),
        serde.serialize(Topics.GALLERY, record));
    AtomicReference<RecordMetadata> where = new AtomicReference<>();
    try {
      audit.appendWith(gallery, md -> {
        where.set(md);
        return entry.withDetail("gallery", md.topic() + "-" + md.partition() + "@" + md.offset());
      });
    } catch (AuditLog.AuditWriteException e) {
      throw new ApiException(503, "cannot write the gallery change with its audit record: " + e.getMessage());
    }
    return new Written(where.get().partition(), where.get().offset());
  }
}

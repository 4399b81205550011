package org.facestream.api;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.facestream.audit.AuditLog;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryPublisher;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.AuditEntry;
import org.facestream.events.GalleryRecord;

/**
 * {@link GalleryWriter} on a {@link GalleryPublisher} writing through the API's {@link AuditLog}: a record is
 * sealed under the subject's data key and goes with its key record (for a new subject) and its audit record
 * in one transaction; erasure destroys the key, then writes the gallery tombstone, with its audit record, in
 * one transaction too. The audit records name the gallery and key offsets ({@code details.gallery},
 * {@code details.subject-key}). Thread-safe (the publisher is); the log belongs to the caller.
 */
public final class KafkaGalleryWriter implements GalleryWriter {
  private final GalleryPublisher publisher;

  /**
   * @param audit the API's audit chain
   * @param masterKeys wrap new data keys and unwrap the subjects' existing ones
   * @param lookup the subjects' current data keys, normally the API's {@link KafkaGalleryView}
   */
  public KafkaGalleryWriter(AuditLog audit, MasterKeys masterKeys, SubjectKeyLookup lookup) {
    publisher = new GalleryPublisher(audit, masterKeys, lookup);
  }

  @Override
  public Written write(String subjectId, GalleryRecord record, AuditEntry entry) {
    if (record != null && !record.subjectId().equals(subjectId)) {
      throw new IllegalArgumentException("expected a record of subject " + subjectId + ", found one of " + record.subjectId());
    }
    try {
      if (record == null) {
        GalleryPublisher.Erasure e = publisher.erase(subjectId, entry);
        return written(e.galleryTombstone(), e.keyTombstone());
      }
      GalleryPublisher.Publication p = publisher.publish(record, entry);
      return written(p.galleryRecord(), p.keyRecord());
    } catch (AuditLog.AuditWriteException e) {
      throw new ApiException(503, "cannot write the gallery change with its audit record: " + e.getMessage());
    }
  }

  private static Written written(RecordMetadata gallery, RecordMetadata key) {
    return key == null ? new Written(gallery.partition(), gallery.offset())
        : new Written(gallery.partition(), gallery.offset(), key.partition(), key.offset());
  }
}

package org.facestream.api;

import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryPublisher;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.GalleryRecord;

/**
 * {@link GalleryWriter} on one long-lived {@link GalleryPublisher} (kept open because the API writes often):
 * records are sealed under the subject's data key, erasure destroys the key and then writes the gallery
 * tombstone. Thread-safe (the publisher is).
 */
public final class KafkaGalleryWriter implements GalleryWriter, AutoCloseable {
  private final GalleryPublisher publisher;

  /**
   * @param lookup the subjects' current data keys, normally the API's {@link KafkaGalleryView}
   */
  public KafkaGalleryWriter(Map<String, Object> kafkaSettings, MasterKeys masterKeys, SubjectKeyLookup lookup) {
    publisher = new GalleryPublisher(kafkaSettings, masterKeys, lookup, "facestream-api-gallery-writer");
  }

  @Override
  public Written write(String subjectId, GalleryRecord record) {
    if (record != null && !record.subjectId().equals(subjectId)) {
      throw new IllegalArgumentException("expected a record of subject " + subjectId + ", found one of " + record.subjectId());
    }
    if (record == null) {
      GalleryPublisher.Erasure e = publisher.erase(subjectId);
      return written(e.galleryTombstone(), e.keyTombstone());
    }
    GalleryPublisher.Publication p = publisher.publish(record);
    return written(p.galleryRecord(), p.keyRecord());
  }

  private static Written written(RecordMetadata gallery, RecordMetadata key) {
    return key == null ? new Written(gallery.partition(), gallery.offset())
        : new Written(gallery.partition(), gallery.offset(), key.partition(), key.offset());
  }

  @Override
  public void close() {
    publisher.close();
  }
}

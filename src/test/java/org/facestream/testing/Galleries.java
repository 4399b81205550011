package org.facestream.testing;

import java.util.Map;
import org.facestream.api.KafkaGalleryWriter;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.metrics.MetricsRegistry;

/** Seeds a gallery the way production writes it: each record with its audit record, on a short-lived chain. */
public final class Galleries {
  private Galleries() {}

  public static void publish(Map<String, Object> kafka, Map<String, GalleryRecord> records) {
    try (AuditLog audit = AuditLog.open(kafka, "test", new MetricsRegistry())) {
      KafkaGalleryWriter writer = new KafkaGalleryWriter(audit);
      records.forEach((id, r) -> writer.write(id, r, AuditEntry.of(AuditEntry.user("test"), AuditRecord.SUBJECT_ENROLLED, id,
          Map.of("via", "test", "templates", Integer.toString(r.templates().size())))));
    }
  }
}

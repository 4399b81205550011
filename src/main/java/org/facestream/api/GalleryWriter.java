package org.facestream.api;

import org.facestream.events.AuditEntry;
import org.facestream.events.GalleryRecord;

/**
 * Writes the compacted gallery topic: a record replaces the subject's earlier one, null erases it (a
 * tombstone), each together with its audit record. Implementations are thread-safe and return once the
 * broker has acknowledged both.
 */
public interface GalleryWriter {
  /**
   * Where a gallery record was written.
   *
   * @param partition partition of {@code facestream.gallery.v1}
   * @param offset offset of the record in that partition
   */
  record Written(int partition, long offset) {
    public Written {
      if (partition < 0 || offset < 0) {
        throw new IllegalArgumentException("expected partition and offset >= 0, found " + partition + "@" + offset);
      }
    }
  }

  /**
   * Writes {@code record} for {@code subjectId}, or a tombstone when it is null, and {@code audit} (to which
   * the writer adds where the gallery record went), atomically: both or neither.
   *
   * @throws ApiException 503 when they could not be written
   */
  Written write(String subjectId, GalleryRecord record, AuditEntry audit);
}

package org.facestream.api;

import org.facestream.events.AuditEntry;
import org.facestream.events.GalleryRecord;

/**
 * Writes the compacted gallery topic: a record replaces the subject's earlier one, null erases it (a
 * tombstone), each together with its audit record. The Kafka implementation seals records under the
 * subject's data key and erases by destroying the key too, in the same transaction. Implementations are
 * thread-safe and return once the broker has acknowledged everything.
 */
public interface GalleryWriter {
  /**
   * Where a gallery record was written, and the data key record written with it.
   *
   * @param partition partition of {@code facestream.gallery.v1}
   * @param offset offset of the record in that partition
   * @param keyPartition partition of {@code facestream.subject-keys.v1} the write also touched (a new data
   *     key, or the key tombstone of an erasure), or -1 when it wrote no key record
   * @param keyOffset offset of that key record, or -1
   */
  record Written(int partition, long offset, int keyPartition, long keyOffset) {
    public Written {
      if (partition < 0 || offset < 0) {
        throw new IllegalArgumentException("expected partition and offset >= 0, found " + partition + "@" + offset);
      }
      if ((keyPartition < 0) != (keyOffset < 0) || keyPartition < -1 || keyOffset < -1) {
        throw new IllegalArgumentException("expected a key partition and offset both >= 0 or both -1, found " + keyPartition + "@" + keyOffset);
      }
    }

    /** A write that touched no key record. */
    public Written(int partition, long offset) {
      this(partition, offset, -1, -1);
    }
  }

  /**
   * Writes {@code record} for {@code subjectId}, or a tombstone when it is null, and {@code audit} (to which
   * the writer adds where the gallery and key records went), atomically: all or nothing.
   *
   * @throws ApiException 503 when they could not be written
   */
  Written write(String subjectId, GalleryRecord record, AuditEntry audit);
}

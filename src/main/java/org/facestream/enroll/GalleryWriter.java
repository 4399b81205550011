package org.facestream.enroll;

import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Topics;

/**
 * Writes the compacted gallery topic: a record replaces the subject's earlier one, null erases it (a
 * tombstone), each together with its audit record. The Kafka implementation ({@link GalleryPublisher}) seals
 * records under the subject's data key and erases by destroying the key too, in the same transaction.
 * Implementations are thread-safe and return once the broker has acknowledged everything.
 */
public interface GalleryWriter {
    /**
     * Where a gallery record was written, and the data key record and audit record written with it.
     *
     * @param partition partition of {@code facestream.gallery.v1}
     * @param offset offset of the record in that partition
     * @param keyPartition partition of {@code facestream.subject-keys.v1} the write also touched (a new data
     *     key, or the key tombstone of an erasure), or -1 when it wrote no key record
     * @param keyOffset offset of that key record, or -1
     * @param audit the audit record committed with them, or null from a writer that keeps no audit chain (a
     *     test's in-memory gallery)
     */
    record Written(int partition, long offset, int keyPartition, long keyOffset, AuditRecord audit) {
        public Written {
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException(
                        "expected partition and offset >= 0, found " + partition + "@" + offset);
            }
            if ((keyPartition < 0) != (keyOffset < 0) || keyPartition < -1 || keyOffset < -1) {
                throw new IllegalArgumentException("expected a key partition and offset both >= 0 or both -1, found "
                        + keyPartition + "@" + keyOffset);
            }
        }

        /** A write that touched this key record, without an audit record. */
        public Written(int partition, long offset, int keyPartition, long keyOffset) {
            this(partition, offset, keyPartition, keyOffset, null);
        }

        /** A write that touched no key record, without an audit record. */
        public Written(int partition, long offset) {
            this(partition, offset, -1, -1, null);
        }

        /** Where the gallery record went: {@code facestream.gallery.v1-<partition>@<offset>}. */
        public String galleryWhere() {
            return Topics.GALLERY + "-" + partition + "@" + offset;
        }

        /** Where the key record went: {@code facestream.subject-keys.v1-<partition>@<offset>}, or null when none was written. */
        public String keyWhere() {
            return keyPartition < 0 ? null : Topics.SUBJECT_KEYS + "-" + keyPartition + "@" + keyOffset;
        }
    }

    /**
     * Writes {@code record} for {@code subjectId}, or a tombstone when it is null, and {@code audit} (to which
     * the writer adds where the gallery and key records went), atomically: all or nothing.
     *
     * @throws AuditLog.AuditWriteException when they could not be written (then nothing was)
     */
    Written write(String subjectId, GalleryRecord record, AuditEntry audit);
}

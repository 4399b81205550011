package org.facestream.match;

import org.facestream.events.GalleryRecord;

/**
 * A gallery topic value as the global store's source reads it: a record, or a marker for bytes that do not
 * read as one. Bad bytes must not throw in the global source: a global store's deserialization error stops
 * the global thread (and with it the whole instance), so the loader receives the marker instead and skips
 * it with a count and a log line. Tombstones stay null.
 */
sealed interface GalleryValue {
  record Readable(GalleryRecord record) implements GalleryValue {}

  /**
   * @param detail why the bytes did not read
   * @param length number of bytes
   */
  record Unreadable(String detail, int length) implements GalleryValue {}
}

/**
 * The gallery of enrolled subjects as the matcher sees it: every template of every subject, searchable by
 * exact cosine similarity.
 *
 * <p>Input topic: {@code facestream.gallery.v1} (compacted, key subject id, value {@link
 * org.facestream.events.SealedGalleryRecord}, tombstone = erase). The sealed records are kept in the global
 * RocksDB store {@value org.facestream.gallery.GalleryStoreNames#TEMPLATES_BY_SUBJECT} by the matcher
 * topology ({@code org.facestream.match}); {@link org.facestream.gallery.GalleryIndex} is the in-memory,
 * decrypted copy that the matcher searches. This package has no Kafka dependency: it is plain data structures over the
 * {@code events} records.
 */
package org.facestream.gallery;

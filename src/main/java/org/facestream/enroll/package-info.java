/**
 * Enrollment: photos of a subject become gallery templates through the production detect-align-embed
 * path ({@link org.facestream.embed.FaceAnalyzer}); a photo must show exactly one face. {@link
 * org.facestream.enroll.GalleryPublisher} writes {@code facestream.subject-keys.v1} (the subject's data
 * key, wrapped; written first) and {@code facestream.gallery.v1} (the record sealed under that key), both
 * keyed by subject id; erasure writes a tombstone on each, the key's first. Used by {@code facestream
 * enroll} and {@code erase}, the demo and the REST API.
 */
package org.facestream.enroll;

/**
 * Enrollment: photos of a subject become gallery templates through the production detect-align-embed
 * path ({@link org.facestream.embed.FaceAnalyzer}); a photo must show exactly one face. Writes
 * {@code facestream.gallery.v1} (key subject id; a tombstone erases). Used by {@code facestream enroll},
 * the demo and the REST API.
 */
package org.facestream.enroll;

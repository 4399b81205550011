/**
 * Enrollment: photos of a subject become gallery templates through the production detect-align-embed
 * path ({@link org.facestream.embed.FaceAnalyzer}); a photo must show exactly one face. The records are
 * written to {@code facestream.gallery.v1} (key subject id; a tombstone erases) by the callers, each with its
 * audit record: {@code facestream enroll}, the demo and the REST API.
 */
package org.facestream.enroll;

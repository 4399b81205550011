/**
 * Per-track decisions of the matcher ({@code matcher.tracks=true}, {@link org.facestream.match.Tracking.PerTrack}):
 * {@link org.facestream.match.track.TrackAssociator} follows each camera's faces across frames and fuses a
 * track's embeddings, in pure methods. No topics of its own: the matcher's {@code match-observation} reads
 * {@code facestream.faces.v1} and keeps, per camera id, a {@link org.facestream.match.track.CameraTracks} in
 * the changelogged RocksDB store {@code track-by-camera} (changelog {@code
 * facestream-matcher-track-by-camera-changelog}), so a restarted or moved task continues its tracks.
 */
package org.facestream.match.track;

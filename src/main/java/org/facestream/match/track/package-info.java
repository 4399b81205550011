/**
 * Per-track decisions of the matcher ({@code matcher.tracks=true}, {@link org.facestream.match.Tracking.PerTrack}):
 * the vision worker follows each camera's faces and names their tracks ({@code FaceObservation.track}); {@link
 * org.facestream.match.track.TrackFusion} fuses a track's embedded faces and says when to decide it, in pure
 * methods, without associating faces a second time. No topics of its own: the matcher's {@code match-observation}
 * reads {@code facestream.faces.v1} and keeps, per camera id, a {@link org.facestream.match.track.CameraTracks} in
 * the changelogged RocksDB store {@code track-by-camera} (changelog {@code
 * facestream-matcher-track-by-camera-changelog}), so a restarted or moved task continues its tracks.
 */
package org.facestream.match.track;

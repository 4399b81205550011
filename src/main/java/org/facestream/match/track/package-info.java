/**
 * Per-track decisions of the matcher ({@code matcher.tracks=true}): {@link org.facestream.match.track.TrackAssociator}
 * follows each camera's faces across frames and fuses a track's embeddings; {@link
 * org.facestream.match.track.CameraTracks} is the value of the changelogged store {@code track-by-camera}.
 */
package org.facestream.match.track;

/**
 * The REST API, server-sent events and the dashboard ({@code facestream api}, {@code demo --port}).
 *
 * <p>Reads {@code facestream.gallery.v1} from the beginning (the gallery view, no consumer group),
 * {@code facestream.identities.v1} (recent events and the live feed), {@code facestream.faces.v1}
 * (camera rates and face thumbnails) and {@code facestream.deadletter.v1} (counts by reason), all with
 * {@code isolation.level=read_committed}; writes {@code facestream.gallery.v1} (enrollment through the
 * production detect-align-embed path, and erasure tombstones). No stores: everything it keeps is bounded
 * and in memory. Dashboard assets are plain files under {@code src/main/resources/web}.
 *
 * <p>{@link org.facestream.api.ApiServer} takes its collaborators as small interfaces
 * ({@link org.facestream.api.GalleryView}, {@link org.facestream.api.GalleryWriter},
 * {@link org.facestream.api.Enrollment}, {@link org.facestream.api.ThresholdSource},
 * {@link org.facestream.api.ClusterProbe}, {@link org.facestream.api.MatcherProbe}); the command line wires
 * them to Kafka with {@link org.facestream.api.KafkaFeeds}.
 */
package org.facestream.api;

/**
 * The REST API, server-sent events and the dashboard ({@code facestream api}, {@code demo --port}).
 *
 * <p>Reads {@code facestream.gallery.v1} and {@code facestream.subject-keys.v1} from the beginning (the
 * gallery view, no consumer group; it decrypts each subject's record with its data key),
 * {@code facestream.identities.v1} (recent events and the live feed), {@code facestream.faces.v1}
 * (camera rates and face thumbnails) and {@code facestream.deadletter.v1} (counts by reason), all with
 * {@code isolation.level=read_committed}; writes {@code facestream.subject-keys.v1} and {@code
 * facestream.gallery.v1} through {@link org.facestream.enroll.GalleryPublisher} (enrollment through the
 * production detect-align-embed path, sealed under the subject's data key; erasure destroys the key, then
 * tombstones the record), each change in one transaction with its record on {@code facestream.audit.v1}.
 * Embeddings never leave the process in responses. No stores: everything it keeps is bounded and in memory.
 * Dashboard assets are plain files under {@code src/main/resources/web}.
 *
 * <p>Access: API keys with ordered {@link org.facestream.api.Role}s ({@link org.facestream.api.ApiKeys},
 * hashes only, from a key file that {@link org.facestream.api.ApiKeyFile} reloads and audits); every data
 * route states the least role it needs, and handlers get the request's {@link org.facestream.api.Principal}.
 *
 * <p>{@link org.facestream.api.ApiServer} takes its collaborators as small interfaces
 * ({@link org.facestream.api.GalleryView}, {@link org.facestream.api.GalleryWriter},
 * {@link org.facestream.api.Enrollment}, {@link org.facestream.api.ThresholdSource},
 * {@link org.facestream.api.ClusterProbe}, {@link org.facestream.api.MatcherProbe},
 * {@link org.facestream.api.Credentials}); the command line wires
 * them to Kafka with {@link org.facestream.api.KafkaFeeds}.
 */
package org.facestream.api;

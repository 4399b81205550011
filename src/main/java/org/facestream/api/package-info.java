/**
 * The REST API, server-sent events and the dashboard ({@code facestream api}, {@code demo --port}): an
 * adapter over the {@link org.facestream.enroll.EnrollmentService} and the live topics.
 *
 * <p>Reads, each through a {@link org.facestream.kafka.TopicTail} (assigned, no consumer group,
 * {@code isolation.level=read_committed}): {@code facestream.erasures.v1} (to its end first), {@code
 * facestream.gallery.v1} and {@code facestream.subject-keys.v1} from the beginning ({@link
 * org.facestream.api.KafkaGalleryView}, which opens each subject's record with its data key, refuses keys and
 * records an erasure destroyed, and decides which events of erased subjects are hidden); {@code facestream.identities.v1} (recent events and the live feed), {@code facestream.faces.v1}
 * (camera rates and face thumbnails), {@code facestream.deadletter.v1} (counts by reason) and, when the
 * matcher runs elsewhere and decides adaptively, {@code facestream.thresholds.v1}
 * ({@link org.facestream.api.KafkaFeeds}); {@code facestream.gallery-outcomes.v1} from its end. Writes only
 * {@code facestream.gallery-commands.v1}, through the {@link org.facestream.enroll.EnrollmentService} (enrollment:
 * the new photos' templates, sealed; erasure), which the gallery processor applies in order with every other change
 * of the subject, and the API key file's audit records. An erasure drops the subject's events, thumbnails and queued
 * server-sent events at once ({@link org.facestream.api.LiveFeed#erase}). Embeddings never leave the process in
 * responses. No stores: everything it keeps is bounded and in memory. Dashboard assets are plain files under
 * {@code src/main/resources/web}.
 *
 * <p>The server is an embedded Jetty (core, no servlets) whose requests handlers see as JDK
 * {@code HttpExchange}s ({@code JettyExchange}); what one client can hold of it is bounded
 * ({@link org.facestream.config.ApiSettings.Limits}): request heads within a header timeout, a connection cap at
 * which the longest-idle connection is evicted ({@code ConnectionGuard}), an idle timeout, uploads admitted a few at
 * a time and read into bounded memory ({@code UploadGate}, {@link org.facestream.api.MultipartForm}), error bodies
 * bounded and escaped, a camera table of bounded size ({@link org.facestream.api.CameraStats}).
 *
 * <p>{@link org.facestream.api.ApiServer} is the router: it matches a route, has
 * {@code Authentication} check its role, and calls the handler of its resource
 * ({@code SubjectsHandler}, {@code EventsHandler},
 * {@code ThresholdHandler}, {@code StatsHandler},
 * {@code SystemHandler}). Access: API keys with ordered {@link org.facestream.api.Role}s
 * ({@link org.facestream.api.ApiKeys}, hashes only, from a key file that {@link org.facestream.api.ApiKeyFile}
 * reloads and audits); every data route states the least role it needs, and handlers get the request's
 * {@link org.facestream.api.Principal}.
 *
 * <p>The server takes its collaborators as small interfaces ({@link org.facestream.api.GalleryView},
 * {@link org.facestream.enroll.EnrollmentService}, {@link org.facestream.api.Enrollment},
 * {@link org.facestream.api.ThresholdSource}, {@link org.facestream.api.ClusterProbe},
 * {@link org.facestream.api.MatcherProbe}, {@link org.facestream.api.Credentials}).
 * {@link org.facestream.api.ApiRuntime} wires them to Kafka; what only the process around it knows (the
 * enroller and its analyzer, a matcher in the same process, where the threshold comes from) the command line
 * passes as an {@link org.facestream.api.ApiRuntime.Wiring}, so this package depends on neither the matcher
 * nor the vision path.
 */
package org.facestream.api;

package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.OptionalLong;
import org.facestream.config.ApiSettings;
import org.facestream.events.Json;
import org.facestream.metrics.MetricsRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused upload is answered, and the connection it came on is either still usable or announced as closed
 * ({@code Connection: close}): an HTTP/1.1 client puts a kept-alive connection back in its pool and sends its
 * next request on it, and a server that closes that connection without saying so makes the next request fail
 * with "header parser received no bytes" whenever the close lands after the client took the connection (a
 * POST is not retried). No models, no broker: the refusals happen before anything is analysed.
 */
class RefusedUploadTest {
    private static final long LIMIT = 2L << 20;

    static ApiServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        ApiFixtures.InMemoryGallery gallery = new ApiFixtures.InMemoryGallery();
        server = ApiServer.start(
                ApiSettings.defaults(0).withMaxUploadBytes(LIMIT),
                new ApiServer.Collaborators(
                        gallery,
                        ApiFixtures.noGalleryChanges(),
                        (subject, images) -> {
                            throw new AssertionError("no upload in this test reaches enrollment");
                        },
                        LiveFeed.defaults(),
                        ThresholdSource.fixed(ApiFixtures.THRESHOLD, Instant.parse("2026-01-01T00:00:00Z")),
                        new ClusterProbe() {
                            @Override
                            public boolean brokerReachable() {
                                return true;
                            }

                            @Override
                            public OptionalLong workerLag(String cameraId) {
                                return OptionalLong.empty();
                            }
                        },
                        MatcherProbe.UNKNOWN,
                        new MetricsRegistry(),
                        ApiFixtures.keys()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRefusalIsAnsweredAndTheNextRequestOnTheSameClientToo() throws Exception {
        byte[] tooLarge = new byte[(int) (LIMIT + (1 << 20))];
        byte[] photoSized = new ApiFixtures.Multipart()
                .file("image", "a.jpg", "image/jpeg", new byte[300_000])
                .build();
        String multipart = new ApiFixtures.Multipart().contentType();
        // rounds: the failure needs the server's close to lose a race with the client's next request
        for (int round = 0; round < 25; round++) {
            String where = "round " + round;
            // declared too large: refused before its body is read
            assertError(
                    post("/api/v1/subjects/x1/faces", multipart, tooLarge),
                    413,
                    where,
                    "expected an upload of at most");
            // refused before its body is read: the subject id is checked first
            assertError(post("/api/v1/subjects/bad%20id/faces", multipart, photoSized), 400, where, "subject id");
            // refused by its content type, also before the body is read
            assertError(post("/api/v1/subjects/x1/faces", "application/json", photoSized), 400, where, "Content-Type");
            // refused for its role (a viewer may not enroll), before the body is read
            assertError(
                    post("/api/v1/subjects/x1/faces", multipart, photoSized, ApiFixtures.VIEWER_KEY),
                    403,
                    where,
                    "expected role operator");
            // and a request that is read in full
            assertError(
                    post("/api/v1/subjects/x1/faces", multipart, photoSized),
                    415,
                    where,
                    "expected a JPEG or PNG image");
        }
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return post(path, contentType, body, ApiFixtures.ADMIN_KEY);
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body, String key)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String where, String messagePart)
            throws Exception {
        assertThat(r.statusCode()).as(where + ": " + r.body()).isEqualTo(status);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("error").asText()).as(where).contains(messagePart);
    }
}

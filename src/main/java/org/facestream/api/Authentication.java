package org.facestream.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.metrics.MetricsRegistry;

/**
 * Who a request is, and whether its role may use the route: an API key from {@code Authorization: Bearer
 * <key>} or {@code X-API-Key}; none, a malformed header or an unknown key is 401 with
 * {@code WWW-Authenticate}, a weaker role than the route's 403, each counted in
 * {@code api_auth_failures_total} by reason. Thread-safe.
 */
final class Authentication {
    private final Credentials credentials;
    private final MetricsRegistry metrics;
    private final long maxUploadBytes;

    Authentication(Credentials credentials, MetricsRegistry metrics, long maxUploadBytes) {
        this.credentials = credentials;
        this.metrics = metrics;
        this.maxUploadBytes = maxUploadBytes;
        for (String reason : List.of("missing", "malformed", "unknown-key", "forbidden")) {
            failures(reason); // at zero from the start, so the alert's rate() sees the first refusal
        }
    }

    /** The request's principal, or null on an open route; 401 or 403 (counted by reason) otherwise. */
    Principal authorize(HttpExchange ex, Route route) {
        if (route.requires() == null) {
            return null;
        }
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        String presented;
        if (authorization != null) {
            String a = authorization.strip();
            int space = a.indexOf(' ');
            String scheme = space < 0 ? a : a.substring(0, space);
            if (space < 0
                    || !scheme.equalsIgnoreCase("Bearer")
                    || a.substring(space + 1).isBlank()) {
                throw unauthorized(
                        ex,
                        "malformed",
                        "expected Authorization: Bearer <api key>, found scheme '"
                                + Exchanges.truncate(scheme.replaceAll("[^A-Za-z0-9_-]", "?")) + "'"
                                + (space < 0 ? " without a key" : ""));
            }
            presented = a.substring(space + 1).strip();
        } else {
            presented = ex.getRequestHeaders().getFirst("X-API-Key");
            if (presented == null || presented.isBlank()) {
                throw unauthorized(
                        ex,
                        "missing",
                        "expected an API key (Authorization: Bearer <key>, or X-API-Key) for " + route
                                + ", found none");
            }
            presented = presented.strip();
        }
        Principal who = credentials
                .authenticate(presented)
                .orElseThrow(() -> unauthorized(
                        ex,
                        "unknown-key",
                        "expected a valid API key for " + route
                                + ", found one that matches no key (revoked or mistyped?)"));
        if (!who.role().includes(route.requires())) {
            failure("forbidden");
            discardBody(ex);
            throw new ApiException(
                    403,
                    "expected role " + route.requires().label() + " or higher for " + route + ", found key "
                            + who.keyId() + " with role " + who.role().label());
        }
        return who;
    }

    private ApiException unauthorized(HttpExchange ex, String reason, String message) {
        failure(reason);
        discardBody(ex);
        ex.getResponseHeaders()
                .set(
                        "WWW-Authenticate",
                        reason.equals("missing")
                                ? "Bearer realm=\"facestream\""
                                : "Bearer realm=\"facestream\", error=\"invalid_token\"");
        return new ApiException(401, message);
    }

    /**
     * Reads and discards a refused request's body (an upload), up to the upload limit: a server that answers
     * before the client has sent its body and closes the connection makes the client's TCP stack drop the
     * answer (a reset) or reuse a dead connection. A larger body is not read: the connection is closed.
     */
    private void discardBody(HttpExchange ex) {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().containsKey("Transfer-Encoding");
        if (!chunked && (length == null || length.strip().equals("0"))) {
            return;
        }
        try {
            if (!chunked && Long.parseLong(length.strip()) > maxUploadBytes) {
                ex.getResponseHeaders().set("Connection", "close");
                return;
            }
            try (InputStream in = ex.getRequestBody()) {
                long left = maxUploadBytes + 1;
                byte[] buf = new byte[16384];
                int n;
                while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    left -= n;
                }
                if (left <= 0) {
                    ex.getResponseHeaders().set("Connection", "close");
                }
            }
        } catch (NumberFormatException | IOException e) {
            ex.getResponseHeaders().set("Connection", "close");
        }
    }

    private LongAdder failures(String reason) {
        return metrics.counter(
                "api_auth_failures_total",
                "API requests refused for missing, malformed or unknown keys (401) or a too weak role (403)",
                MetricsRegistry.label("reason", reason));
    }

    private void failure(String reason) {
        failures(reason).increment();
    }
}

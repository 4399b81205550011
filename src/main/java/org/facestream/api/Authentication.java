package org.facestream.api;

import com.sun.net.httpserver.HttpExchange;
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

    Authentication(Credentials credentials, MetricsRegistry metrics) {
        this.credentials = credentials;
        this.metrics = metrics;
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
            throw new ApiException(
                    403,
                    "expected role " + route.requires().label() + " or higher for " + route + ", found key "
                            + who.keyId() + " with role " + who.role().label());
        }
        return who;
    }

    private ApiException unauthorized(HttpExchange ex, String reason, String message) {
        failure(reason);
        ex.getResponseHeaders()
                .set(
                        "WWW-Authenticate",
                        reason.equals("missing")
                                ? "Bearer realm=\"facestream\""
                                : "Bearer realm=\"facestream\", error=\"invalid_token\"");
        return new ApiException(401, message);
    }

    private void failure(String reason) {
        metrics.counter(
                        "api_auth_failures_total",
                        "API requests refused for missing, malformed or unknown keys (401) or a too weak role (403)",
                        MetricsRegistry.label("reason", reason))
                .increment();
    }
}

package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.events.Json;
import org.facestream.metrics.MetricsRegistry;

/**
 * What the server says about itself: {@code /api/v1/health} (open: liveness probes), {@code /api/v1/whoami},
 * {@code /metrics} (open: Prometheus), the OpenAPI document and the dashboard's static files (open: no data;
 * the dashboard's data calls authenticate). Thread-safe.
 */
final class SystemHandler {
    private static final Pattern STATIC_FILE = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");

    private final GalleryView gallery;
    private final ClusterProbe cluster;
    private final MatcherProbe matcher;
    private final MetricsRegistry metrics;
    private final Supplier<List<Route>> routes;
    private final Instant startedAt = Instant.now();

    /** @param routes every route the server answers, for {@code whoami} */
    SystemHandler(
            GalleryView gallery,
            ClusterProbe cluster,
            MatcherProbe matcher,
            MetricsRegistry metrics,
            Supplier<List<Route>> routes) {
        this.gallery = gallery;
        this.cluster = cluster;
        this.matcher = matcher;
        this.metrics = metrics;
        this.routes = routes;
    }

    void health(HttpExchange ex, Matcher m, Principal who) throws IOException {
        boolean reachable = cluster.brokerReachable();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", reachable ? "ok" : "degraded");
        body.put("brokerReachable", reachable);
        body.put("galleryCaughtUp", gallery.caughtUp());
        body.put("gallerySubjects", gallery.subjects().size());
        Optional<String> state = matcher.state();
        if (state.isPresent()) {
            body.putObject("matcher").put("state", state.get());
        }
        body.put("uptimeSeconds", Duration.between(startedAt, Instant.now()).toSeconds());
        body.put("startedAt", startedAt.toString());
        Exchanges.sendJson(ex, reachable ? 200 : 503, body);
    }

    void whoami(HttpExchange ex, Matcher m, Principal who) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("keyId", who.keyId());
        body.put("role", who.role().label());
        ArrayNode may = body.putArray("routes");
        for (Route r : routes.get()) {
            if (r.requires() != null && who.role().includes(r.requires())) {
                may.add(r.toString());
            }
        }
        Exchanges.sendJson(ex, 200, body);
    }

    void metrics(HttpExchange ex, Matcher m, Principal who) throws IOException {
        Exchanges.send(
                ex,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.prometheusText().getBytes(StandardCharsets.UTF_8));
    }

    void openApi(HttpExchange ex, Matcher m, Principal who) throws IOException {
        Exchanges.send(ex, 200, "application/json; charset=utf-8", resource("/api/openapi.json"));
    }

    /** {@code /}: the dashboard's page. */
    void index(HttpExchange ex, Matcher m, Principal who) throws IOException {
        staticFile(ex, "index.html");
    }

    /** {@code /{file}}: one of the dashboard's files. */
    void file(HttpExchange ex, Matcher m, Principal who) throws IOException {
        staticFile(ex, m.group(1));
    }

    private static void staticFile(HttpExchange ex, String name) throws IOException {
        if (!STATIC_FILE.matcher(name).matches()) {
            throw new ApiException(404, "no file " + name);
        }
        byte[] bytes;
        try {
            bytes = resource("/web/" + name);
        } catch (ApiException e) {
            throw new ApiException(404, "no file " + name);
        }
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            default -> "image/svg+xml";
        };
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        // no third-party origins: the dashboard is self-contained
        ex.getResponseHeaders()
                .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'");
        Exchanges.send(ex, 200, type, bytes);
    }

    private static byte[] resource(String path) {
        try (InputStream in = SystemHandler.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new ApiException(500, "resource " + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.facestream.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.config.ApiSettings;
import org.facestream.enroll.GalleryWriter;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API ({@code /api/v1}, described by {@code /api/v1/openapi.json}), server-sent events, Prometheus
 * metrics and the dashboard, on the JDK's {@link HttpServer} with one virtual thread per request. This class
 * is the router: it matches a request to its route, has {@link Authentication} check the route's role, and
 * hands it to the handler of its resource ({@link SubjectsHandler}, {@link EventsHandler},
 * {@link ThresholdHandler}, {@link StatsHandler}, {@link SystemHandler}).
 *
 * <p>Access: every data route needs an API key ({@code Authorization: Bearer <key>} or {@code X-API-Key})
 * whose {@link Role} includes the route's (see {@link #routes()}): none gives 401 with
 * {@code WWW-Authenticate}, a weaker role 403. Open are only what holds no data and must work without
 * credentials: {@code /api/v1/health} (orchestrators' liveness probes; up/down and counts), {@code /metrics}
 * (Prometheus scrapers; counters and gauges, no subject ids or faces), the OpenAPI document and the dashboard's
 * static files (its data calls authenticate). Handlers get the request's {@link Principal}, and enrollments
 * and erasures are written together with their audit record under its key id.
 *
 * <p>Errors are JSON {@code {"error": "...", "status": N}}; a 500 is logged with its stack trace and
 * answered with a generic message. Thread-safe; {@link #close()} stops it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /**
     * What the server reads and writes; the command line wires each to Kafka, tests may pass their own.
     *
     * @param gallery the gallery view (subjects, erasure applied)
     * @param writer writes gallery records and tombstones with their audit records
     * @param enrollment images to templates through the production path
     * @param live recent events, SSE, thumbnails, camera rates, dead letters
     * @param threshold the matcher's threshold and its history
     * @param cluster broker reachability and worker lag
     * @param matcher the in-process matcher, or {@link MatcherProbe#UNKNOWN}
     * @param metrics registry served at {@code /metrics}; the API adds its request and SSE series to it
     * @param credentials the API keys
     */
    public record Collaborators(
            GalleryView gallery,
            GalleryWriter writer,
            Enrollment enrollment,
            LiveFeed live,
            ThresholdSource threshold,
            ClusterProbe cluster,
            MatcherProbe matcher,
            MetricsRegistry metrics,
            Credentials credentials) {
        public Collaborators {
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(gallery, "gallery");
            Objects.requireNonNull(writer, "writer");
            Objects.requireNonNull(enrollment, "enrollment");
            Objects.requireNonNull(live, "live");
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(metrics, "metrics");
        }
    }

    private record Binding(Route route, Pattern pattern, RouteHandler handler) {}

    private final MetricsRegistry metrics;
    private final Authentication authentication;
    /** How much of a refused request's body is read and thrown away so the answer reaches the client. */
    private final long refusedBodyDiscardBytes;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Binding> bindings = new ArrayList<>();
    private volatile boolean closing;

    private ApiServer(ApiSettings settings, Collaborators c) throws IOException {
        this.metrics = c.metrics();
        this.authentication = new Authentication(c.credentials(), c.metrics());
        this.refusedBodyDiscardBytes = Math.max(settings.maxUploadBytes(), 2 * settings.maxUploadBytes());
        SystemHandler system = new SystemHandler(c.gallery(), c.cluster(), c.matcher(), c.metrics(), this::routes);
        SubjectsHandler subjects = new SubjectsHandler(settings, c.gallery(), c.writer(), c.enrollment(), c.matcher());
        EventsHandler events = new EventsHandler(c.live(), () -> !closing);
        ThresholdHandler threshold = new ThresholdHandler(c.threshold());
        StatsHandler stats = new StatsHandler(c.live(), c.gallery(), c.cluster());
        bind("GET", "/api/v1/health", "/api/v1/health", null, system::health);
        bind("GET", "/api/v1/whoami", "/api/v1/whoami", Role.VIEWER, system::whoami);
        bind("GET", "/api/v1/subjects", "/api/v1/subjects", Role.VIEWER, subjects::list);
        bind("GET", "/api/v1/subjects/{id}", "/api/v1/subjects/([^/]+)", Role.VIEWER, subjects::get);
        bind("DELETE", "/api/v1/subjects/{id}", "/api/v1/subjects/([^/]+)", Role.ADMIN, subjects::erase);
        bind(
                "POST",
                "/api/v1/subjects/{id}/faces",
                "/api/v1/subjects/([^/]+)/faces",
                Role.OPERATOR,
                subjects::addFaces);
        bind("GET", "/api/v1/events", "/api/v1/events", Role.VIEWER, events::events);
        bind("GET", "/api/v1/events/stream", "/api/v1/events/stream", Role.VIEWER, events::stream);
        bind(
                "GET",
                "/api/v1/events/{id}/thumbnail.jpg",
                "/api/v1/events/(.+)/thumbnail\\.jpg",
                Role.VIEWER,
                events::thumbnail);
        bind("GET", "/api/v1/threshold", "/api/v1/threshold", Role.VIEWER, threshold::threshold);
        bind("GET", "/api/v1/cameras", "/api/v1/cameras", Role.VIEWER, stats::cameras);
        bind("GET", "/api/v1/stats", "/api/v1/stats", Role.VIEWER, stats::stats);
        bind("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null, system::openApi);
        bind("GET", "/metrics", "/metrics", null, system::metrics);
        bind("GET", "/", "/", null, system::index);
        bind("GET", "/{file}", "/([a-z0-9-]+\\.[a-z]+)", null, system::file);
        metrics.gauge(
                "api_sse_clients",
                "Clients connected to /api/v1/events/stream",
                "",
                () -> c.live().hub().clients());
        metrics.gauge(
                "api_sse_dropped_clients",
                "SSE clients dropped for reading too slowly",
                "",
                () -> c.live().hub().droppedClients());
        metrics.gauge(
                "api_gallery_subjects",
                "Subjects in the API's gallery view",
                "",
                () -> c.gallery().subjects().size());
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /** Binds and starts the server. */
    public static ApiServer start(ApiSettings settings, Collaborators collaborators) {
        try {
            ApiServer s = new ApiServer(settings, collaborators);
            s.server.start();
            LOG.info("API and dashboard on http://{}:{}/", settings.host(), s.port());
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve the API on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Every route the server answers, in match order. */
    public List<Route> routes() {
        return bindings.stream().map(Binding::route).toList();
    }

    private void bind(String method, String template, String regex, Role requires, RouteHandler handler) {
        bindings.add(new Binding(new Route(method, template, requires), Pattern.compile(regex), handler));
    }

    private void dispatch(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String routeLabel = "unmatched";
        int status;
        try (ex) {
            Set<String> allowed = new LinkedHashSet<>();
            Binding chosen = null;
            Matcher chosenMatch = null;
            for (Binding b : bindings) {
                Matcher m = b.pattern().matcher(path);
                if (m.matches()) {
                    if (b.route().method().equals(method)) {
                        chosen = b;
                        chosenMatch = m;
                        break;
                    }
                    allowed.add(b.route().method());
                }
            }
            try {
                if (chosen == null) {
                    if (!allowed.isEmpty()) {
                        ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
                        throw new ApiException(
                                405,
                                "expected method " + String.join(" or ", allowed) + " for " + path + ", found "
                                        + method);
                    }
                    throw new ApiException(404, "no route " + method + " " + path + " (see /api/v1/openapi.json)");
                }
                routeLabel = chosen.route().toString();
                Principal who = authentication.authorize(ex, chosen.route());
                chosen.handler().handle(ex, chosenMatch, who);
                status = ex.getResponseCode();
            } catch (ApiException e) {
                status = e.status();
                refuse(ex, e.status(), e.getMessage());
            } catch (IOException e) {
                // the client went away (an SSE tab closed, an upload cancelled)
                status = 499;
                LOG.debug("{} {}: {}", method, path, e.toString());
            } catch (Exception e) {
                status = 500;
                LOG.error("{} {} failed", method, path, e);
                refuse(ex, 500, "internal error; the server log has the details");
            }
        }
        metrics.counter(
                        "api_requests_total",
                        "API requests by route and status",
                        MetricsRegistry.label("route", routeLabel) + ","
                                + MetricsRegistry.label("status", Integer.toString(status)))
                .increment();
    }

    /**
     * Answers an error. The request's body, often an upload refused before it was read, is read and discarded
     * first (up to twice the upload limit): the JDK's HTTP client sends its whole body before it reads an answer,
     * and a connection closed on unread bytes is reset, losing the answer; a larger body is not read, and the
     * answer closes the connection ({@link Exchanges#discardBody}).
     */
    private void refuse(HttpExchange ex, int status, String message) {
        if (ex.getResponseCode() == -1) {
            Exchanges.discardBody(ex, refusedBodyDiscardBytes);
        }
        Exchanges.sendError(ex, status, message);
    }

    @Override
    public void close() {
        // the live feed belongs to the caller (it may outlive this server): only end this server's streams
        closing = true;
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.facestream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.facestream.config.ApiSettings;
import org.facestream.enroll.EnrollmentService;
import org.facestream.events.Json;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API ({@code /api/v1}, described by {@code /api/v1/openapi.json}), server-sent events, Prometheus
 * metrics and the dashboard, on an embedded Jetty server (core, no servlets) with one virtual thread per
 * request; handlers see each request as a JDK {@link HttpExchange} ({@link JettyExchange}). This class is the
 * router: it matches a request to its route, has {@link Authentication} check the route's role, and
 * hands it to the handler of its resource ({@link SubjectsHandler}, {@link EventsHandler},
 * {@link ThresholdHandler}, {@link StatsHandler}, {@link SystemHandler}).
 *
 * <p>Access: every data route needs an API key ({@code Authorization: Bearer <key>} or {@code X-API-Key})
 * whose {@link Role} includes the route's (see {@link #routes()}): none gives 401 with
 * {@code WWW-Authenticate}, a weaker role 403. Open are only what holds no data and must work without
 * credentials: {@code /api/v1/health} (orchestrators' liveness probes; up/down and counts), {@code /metrics}
 * (Prometheus scrapers; counters and gauges, no subject ids or faces), the OpenAPI document and the dashboard's
 * static files (its data calls authenticate). Handlers get the request's {@link Principal}; enrollments and
 * erasures are gallery commands whose audit records name its key id.
 *
 * <p>Errors are JSON {@code {"error": "...", "status": N}}, also those Jetty answers itself (a request head
 * over 8 KB, a malformed request); a 500 is logged with its stack trace and answered with a generic message.
 *
 * <p>Limits ({@link ApiSettings.Limits}): request heads of at most 8 KB, which must arrive within the header
 * timeout of a connection opening or its previous response; a cap on open connections, at which the connection
 * that has waited longest without a request is evicted ({@link ConnectionGuard}); Jetty's idle timeout fails a
 * request that moves no byte; uploads are admitted a few at a time ({@link UploadGate}). Why Jetty rather than
 * the JDK's {@code com.sun.net.httpserver}: its limits are JVM-wide system properties read once (so neither two
 * servers in one process nor a test can differ), its request timeout covers the body too (so a header timeout
 * short enough for slowloris cuts legitimate uploads), at its connection cap it closes new connections while
 * idle ones hold their slots until the idle sweep (every 10 s), and it offers no hook to count closed
 * connections. Thread-safe; {@link #close()} stops it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /**
     * What the server reads and writes; the command line wires each to Kafka, tests may pass their own.
     *
     * @param gallery the gallery view (subjects, erasure applied)
     * @param service enrollment and erasure: gallery commands submitted, their outcomes awaited
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
            EnrollmentService service,
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
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(enrollment, "enrollment");
            Objects.requireNonNull(live, "live");
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(metrics, "metrics");
        }
    }

    private record Binding(Route route, Pattern pattern, RouteHandler handler) {}

    private static final int MAX_REQUEST_HEAD_BYTES = 8192;
    private static final String HEALTH = "/api/v1/health";
    private static final int ACCEPT_QUEUE = 1024;

    private final MetricsRegistry metrics;
    private final long maxUploadBytes;
    private final long uploadTimeoutNanos;
    private final Authentication authentication;
    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Binding> bindings = new ArrayList<>();
    private volatile boolean closing;

    private ApiServer(ApiSettings settings, Collaborators c) {
        this.metrics = c.metrics();
        this.maxUploadBytes = settings.maxUploadBytes();
        this.uploadTimeoutNanos = settings.limits().uploadTimeout().toNanos();
        this.authentication = new Authentication(c.credentials(), c.metrics(), settings.maxUploadBytes());
        SystemHandler system = new SystemHandler(c.gallery(), c.cluster(), c.matcher(), c.metrics(), this::routes);
        SubjectsHandler subjects = new SubjectsHandler(
                settings, c.gallery(), c.service(), c.enrollment(), c.matcher(), new UploadGate(settings, c.metrics()));
        EventsHandler events = new EventsHandler(c.live(), () -> !closing);
        ThresholdHandler threshold = new ThresholdHandler(c.threshold());
        StatsHandler stats = new StatsHandler(c.live(), c.gallery(), c.cluster());
        bind("GET", HEALTH, HEALTH, null, system::health);
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
        metrics.counter(
                "api_sse_dropped_clients_total",
                "SSE clients dropped for reading too slowly",
                "",
                () -> c.live().hub().droppedClients());
        metrics.gauge(
                "api_gallery_subjects",
                "Subjects in the API's gallery view",
                "",
                () -> c.gallery().subjects().size());
        ApiSettings.Limits limits = settings.limits();
        int maxConnections = connectionCap(limits.maxConnections());
        guard = new ConnectionGuard(maxConnections, limits.headerTimeout(), metrics);
        // Jetty's threads parse request heads and wake the virtual threads reading bodies: enough of them that new
        // connections' heads are not queued behind hundreds of uploads' reads
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("api-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.setHandler(new Dispatcher());
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(0);
        LOG.info(
                "API limits: {} connections, request head within {}, idle timeout {}, upload within {}, {} uploads at once",
                maxConnections,
                limits.headerTimeout(),
                limits.idleTimeout(),
                limits.uploadTimeout(),
                limits.maxConcurrentUploads());
    }

    /**
     * {@code configured}, but at most half of this process's file-descriptor limit: the rest stays for what the
     * process must still open under a connection flood (the key file, Kafka, RocksDB).
     */
    static int connectionCap(int configured) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long half = os.getMaxFileDescriptorCount() / 2;
            if (half > 0 && half < configured) {
                LOG.warn(
                        "API connection cap lowered from {} to {}: half of this process's file-descriptor limit ({})",
                        configured,
                        half,
                        os.getMaxFileDescriptorCount());
                return (int) Math.max(1, half);
            }
        }
        return configured;
    }

    /** Binds and starts the server. */
    public static ApiServer start(ApiSettings settings, Collaborators collaborators) {
        ApiServer s = new ApiServer(settings, collaborators);
        try {
            s.server.start();
        } catch (Exception e) {
            s.close();
            throw new UncheckedIOException(
                    "cannot serve the API on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        LOG.info("API and dashboard on http://{}:{}/", settings.host(), s.port());
        return s;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Hands each request to a virtual thread, which answers it through the router and completes it; the liveness
     * probe ({@value #HEALTH}) is answered on Jetty's own thread instead, so that hundreds of requests keeping the
     * virtual threads' few carriers busy (uploads being read) cannot delay it.
     */
    private final class Dispatcher extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            JettyExchange exchange;
            try {
                exchange = new JettyExchange(request, response);
            } catch (IllegalArgumentException e) {
                Response.writeError(request, response, callback, 400, "expected a request target that is a URI");
                return true;
            }
            guard.requestStarted(connection);
            if ("GET".equals(request.getMethod())
                    && HEALTH.equals(request.getHttpURI().getPath())) {
                try {
                    dispatch(exchange);
                } finally {
                    guard.requestDone(connection);
                    callback.succeeded();
                }
                return true;
            }
            try {
                executor.execute(() -> {
                    try {
                        dispatch(exchange);
                    } finally {
                        guard.requestDone(connection);
                        callback.succeeded();
                    }
                });
            } catch (RejectedExecutionException e) {
                guard.requestDone(connection);
                Response.writeError(request, response, callback, 503, "the server is stopping");
            }
            return true;
        }
    }

    /** Jetty's own error answers (a request head too large, a malformed request) in the API's JSON form. */
    private static final class JsonErrors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put(
                    "error", Exchanges.printable(message == null ? HttpStatus.getMessage(status) : message.toString()));
            body.put("status", status);
            byte[] bytes;
            try {
                bytes = Json.MAPPER.writeValueAsBytes(body);
            } catch (IOException e) {
                callback.failed(e);
                return true;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
        }
    }

    /** Connections open now (for tests of the connection limits). */
    int openConnections() {
        return guard.openConnections();
    }

    /** The most connections open at once so far (for tests of the connection limits). */
    int mostOpenConnections() {
        return guard.mostOpenConnections();
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
                if (Exchanges.hasBody(ex)) {
                    // an early answer to an upload: the client gets it, not a reset
                    Exchanges.sendErrorThenDiscard(
                            ex, e.status(), e.getMessage(), 4 * maxUploadBytes, System.nanoTime() + uploadTimeoutNanos);
                } else {
                    Exchanges.sendError(ex, e.status(), e.getMessage());
                }
            } catch (IOException e) {
                // the client went away (an SSE tab closed, an upload cancelled)
                status = 499;
                LOG.debug("{} {}: {}", method, path, e.toString());
            } catch (Exception e) {
                status = 500;
                LOG.error("{} {} failed", method, path, e);
                Exchanges.sendError(ex, 500, "internal error; the server log has the details");
            }
        }
        metrics.counter(
                        "api_requests_total",
                        "API requests by route and status",
                        MetricsRegistry.label("route", routeLabel) + ","
                                + MetricsRegistry.label("status", Integer.toString(status)))
                .increment();
    }

    @Override
    public void close() {
        // the live feed belongs to the caller (it may outlive this server): only end this server's streams
        closing = true;
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the API server: {}", e.toString());
        }
        guard.close();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

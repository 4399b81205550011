package org.facestream.api;

import org.facestream.config.ApiSettings;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.enroll.Enroller;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;
import org.facestream.events.Template;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API ({@code /api/v1}, described by {@code /api/v1/openapi.json}), server-sent events, Prometheus
 * metrics and the dashboard, on the JDK's {@link HttpServer} with one virtual thread per request.
 *
 * <p>Writes are answered once applied: an enrollment once the API's own gallery view has read it back (so a
 * GET right after sees it), an erasure once the gallery view has read the tombstone and the in-process
 * matcher (when there is one) no longer holds the subject, or 202 when that takes longer than
 * {@link ApiSettings#applyTimeout()}. Enrollments run one at a time: the analyzer is not thread-safe and a
 * subject's new templates are added to its current ones, which must not race.
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
  private static final Pattern SUBJECT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
  private static final Pattern STATIC_FILE = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
  private static final int MAX_EVENTS = 2000;
  /** Score histogram of the dashboard: bins of 0.05 from -0.2 to 1.0 (cosines below -0.2 land in the first). */
  static final double HISTOGRAM_FROM = -0.2;
  static final double HISTOGRAM_BIN = 0.05;
  static final int HISTOGRAM_BINS = 24;

  /**
   * What the server reads and writes; the command line wires each to Kafka, tests may pass their own.
   *
   * @param gallery the gallery view (subjects, erasure applied)
   * @param writer writes gallery records and tombstones
   * @param enrollment images to a gallery record through the production path
   * @param live recent events, SSE, thumbnails, camera rates, dead letters
   * @param threshold the matcher's threshold and its history
   * @param cluster broker reachability and worker lag
   * @param matcher the in-process matcher, or {@link MatcherProbe#UNKNOWN}
   * @param metrics registry served at {@code /metrics}; the API adds its request and SSE series to it
   * @param credentials the API keys
   */
  public record Collaborators(GalleryView gallery, GalleryWriter writer, Enrollment enrollment, LiveFeed live,
      ThresholdSource threshold, ClusterProbe cluster, MatcherProbe matcher, MetricsRegistry metrics, Credentials credentials) {
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

  /**
   * A route: method and path template, as listed in the OpenAPI document.
   *
   * @param requires the least role allowed, or null for the open routes (health, metrics, OpenAPI, dashboard files)
   */
  public record Route(String method, String template, Role requires) {
    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  private interface Handler {
    /** Answers the request; {@code who} is null on open routes. */
    void handle(HttpExchange ex, Matcher path, Principal who) throws Exception;
  }

  private record Binding(Route route, Pattern pattern, Handler handler) {}

  private final ApiSettings settings;
  private final Collaborators c;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Binding> bindings = new ArrayList<>();
  private final ReentrantLock enrollLock = new ReentrantLock();
  private final Instant startedAt = Instant.now();
  private volatile boolean closing;

  private ApiServer(ApiSettings settings, Collaborators collaborators) throws IOException {
    this.settings = settings;
    this.c = collaborators;
    bind("GET", "/api/v1/health", "/api/v1/health", null, this::health);
    bind("GET", "/api/v1/whoami", "/api/v1/whoami", Role.VIEWER, this::whoami);
    bind("GET", "/api/v1/subjects", "/api/v1/subjects", Role.VIEWER, this::listSubjects);
    bind("GET", "/api/v1/subjects/{id}", "/api/v1/subjects/([^/]+)", Role.VIEWER, this::getSubject);
    bind("DELETE", "/api/v1/subjects/{id}", "/api/v1/subjects/([^/]+)", Role.ADMIN, this::deleteSubject);
    bind("POST", "/api/v1/subjects/{id}/faces", "/api/v1/subjects/([^/]+)/faces", Role.OPERATOR, this::addFaces);
    bind("GET", "/api/v1/events", "/api/v1/events", Role.VIEWER, this::events);
    bind("GET", "/api/v1/events/stream", "/api/v1/events/stream", Role.VIEWER, this::stream);
    bind("GET", "/api/v1/events/{id}/thumbnail.jpg", "/api/v1/events/(.+)/thumbnail\\.jpg", Role.VIEWER, this::thumbnail);
    bind("GET", "/api/v1/threshold", "/api/v1/threshold", Role.VIEWER, this::threshold);
    bind("GET", "/api/v1/cameras", "/api/v1/cameras", Role.VIEWER, this::cameras);
    bind("GET", "/api/v1/stats", "/api/v1/stats", Role.VIEWER, this::stats);
    bind("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null, this::openApi);
    bind("GET", "/metrics", "/metrics", null, this::metrics);
    bind("GET", "/", "/", null, (ex, m, who) -> staticFile(ex, "index.html"));
    bind("GET", "/{file}", "/([a-z0-9-]+\\.[a-z]+)", null, (ex, m, who) -> staticFile(ex, m.group(1)));
    c.metrics().gauge("api_sse_clients", "Clients connected to /api/v1/events/stream", "", () -> c.live().hub().clients());
    c.metrics().gauge("api_sse_dropped_clients", "SSE clients dropped for reading too slowly", "", () -> c.live().hub().droppedClients());
    c.metrics().gauge("api_gallery_subjects", "Subjects in the API's gallery view", "", () -> c.gallery().subjects().size());
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
      throw new UncheckedIOException("cannot serve the API on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
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

  private void bind(String method, String template, String regex, Role requires, Handler handler) {
    bindings.add(new Binding(new Route(method, template, requires), Pattern.compile(regex), handler));
  }

  // ---- dispatch and errors ----

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
            throw new ApiException(405, "expected method " + String.join(" or ", allowed) + " for " + path + ", found " + method);
          }
          throw new ApiException(404, "no route " + method + " " + path + " (see /api/v1/openapi.json)");
        }
        routeLabel = chosen.route().toString();
        Principal who = authorize(ex, chosen.route());
        chosen.handler().handle(ex, chosenMatch, who);
        status = ex.getResponseCode();
      } catch (ApiException e) {
        status = e.status();
        sendError(ex, e.status(), e.getMessage());
      } catch (IOException e) {
        // the client went away (an SSE tab closed, an upload cancelled)
        status = 499;
        LOG.debug("{} {}: {}", method, path, e.toString());
      } catch (Exception e) {
        status = 500;
        LOG.error("{} {} failed", method, path, e);
        sendError(ex, 500, "internal error; the server log has the details");
      }
    }
    c.metrics().counter("api_requests_total", "API requests by route and status",
        MetricsRegistry.label("route", routeLabel) + "," + MetricsRegistry.label("status", Integer.toString(status))).increment();
  }

  // ---- access ----

  /** The request's principal, or null on an open route; 401 or 403 (counted by reason) otherwise. */
  private Principal authorize(HttpExchange ex, Route route) {
    if (route.requires() == null) {
      return null;
    }
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    String presented;
    if (authorization != null) {
      String a = authorization.strip();
      int space = a.indexOf(' ');
      String scheme = space < 0 ? a : a.substring(0, space);
      if (space < 0 || !scheme.equalsIgnoreCase("Bearer") || a.substring(space + 1).isBlank()) {
        throw unauthorized(ex, "malformed", "expected Authorization: Bearer <api key>, found scheme '"
            + truncate(scheme.replaceAll("[^A-Za-z0-9_-]", "?")) + "'" + (space < 0 ? " without a key" : ""));
      }
      presented = a.substring(space + 1).strip();
    } else {
      presented = ex.getRequestHeaders().getFirst("X-API-Key");
      if (presented == null || presented.isBlank()) {
        throw unauthorized(ex, "missing", "expected an API key (Authorization: Bearer <key>, or X-API-Key) for " + route + ", found none");
      }
      presented = presented.strip();
    }
    Principal who = c.credentials().authenticate(presented).orElseThrow(
        () -> unauthorized(ex, "unknown-key", "expected a valid API key for " + route + ", found one that matches no key (revoked or mistyped?)"));
    if (!who.role().includes(route.requires())) {
      authFailure("forbidden");
      discardBody(ex);
      throw new ApiException(403, "expected role " + route.requires().label() + " or higher for " + route + ", found key "
          + who.keyId() + " with role " + who.role().label());
    }
    return who;
  }

  private ApiException unauthorized(HttpExchange ex, String reason, String message) {
    authFailure(reason);
    discardBody(ex);
    ex.getResponseHeaders().set("WWW-Authenticate", reason.equals("missing")
        ? "Bearer realm=\"facestream\"" : "Bearer realm=\"facestream\", error=\"invalid_token\"");
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
      if (!chunked && Long.parseLong(length.strip()) > settings.maxUploadBytes()) {
        ex.getResponseHeaders().set("Connection", "close");
        return;
      }
      try (InputStream in = ex.getRequestBody()) {
        long left = settings.maxUploadBytes() + 1;
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

  private void authFailure(String reason) {
    c.metrics().counter("api_auth_failures_total", "API requests refused for missing, malformed or unknown keys (401) or a too weak role (403)",
        MetricsRegistry.label("reason", reason)).increment();
  }

  private void whoami(HttpExchange ex, Matcher m, Principal who) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("keyId", who.keyId());
    body.put("role", who.role().label());
    ArrayNode may = body.putArray("routes");
    for (Route r : routes()) {
      if (r.requires() != null && who.role().includes(r.requires())) {
        may.add(r.toString());
      }
    }
    sendJson(ex, 200, body);
  }

  private static void sendError(HttpExchange ex, int status, String message) {
    if (ex.getResponseCode() != -1) {
      return; // headers already sent: nothing more can be said
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("error", message);
    body.put("status", status);
    try {
      sendJson(ex, status, body);
    } catch (IOException e) {
      LOG.debug("could not send error {}: {}", status, e.toString());
    }
  }

  private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    send(ex, status, "application/json; charset=utf-8", bytes);
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  // ---- health, threshold, cameras, stats, metrics, openapi ----

  private void health(HttpExchange ex, Matcher m, Principal who) throws IOException {
    boolean reachable = c.cluster().brokerReachable();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", reachable ? "ok" : "degraded");
    body.put("brokerReachable", reachable);
    body.put("galleryCaughtUp", c.gallery().caughtUp());
    body.put("gallerySubjects", c.gallery().subjects().size());
    Optional<String> matcher = c.matcher().state();
    if (matcher.isPresent()) {
      body.putObject("matcher").put("state", matcher.get());
    }
    body.put("uptimeSeconds", Duration.between(startedAt, Instant.now()).toSeconds());
    body.put("startedAt", startedAt.toString());
    sendJson(ex, reachable ? 200 : 503, body);
  }

  private void threshold(HttpExchange ex, Matcher m, Principal who) throws IOException {
    ThresholdSource.Snapshot s = c.threshold().snapshot();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("current", Json.MAPPER.valueToTree(s.current()));
    ArrayNode history = body.putArray("history");
    for (ThresholdSource.Change ch : s.history()) {
      ObjectNode n = history.addObject();
      n.put("at", ch.at().toString());
      n.put("cosine", ch.threshold().cosine());
      n.put("version", ch.threshold().version());
      n.put("policy", ch.threshold().policy());
      n.put("reason", ch.reason());
    }
    sendJson(ex, 200, body);
  }

  private void cameras(HttpExchange ex, Matcher m, Principal who) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode arr = body.putArray("cameras");
    for (CameraStats.Snapshot s : c.live().cameras().snapshot()) {
      ObjectNode n = Json.MAPPER.valueToTree(s);
      OptionalLong lag = c.cluster().workerLag(s.cameraId());
      if (lag.isPresent()) {
        n.put("workerLag", lag.getAsLong());
      } else {
        n.putNull("workerLag");
      }
      arr.add(n);
    }
    body.put("windowSeconds", CameraStats.WINDOW.toSeconds());
    sendJson(ex, 200, body);
  }

  private void stats(HttpExchange ex, Matcher m, Principal who) throws IOException {
    List<IdentityEvent> recent = c.live().events().newest(MAX_EVENTS, e -> true);
    long[] matches = new long[HISTOGRAM_BINS];
    long[] unknowns = new long[HISTOGRAM_BINS];
    for (IdentityEvent e : recent) {
      if (e.bestCandidateId() == null) {
        continue; // empty gallery: no score to show
      }
      int bin = (int) Math.floor((e.score() - HISTOGRAM_FROM) / HISTOGRAM_BIN);
      bin = Math.max(0, Math.min(HISTOGRAM_BINS - 1, bin));
      (e.isMatch() ? matches : unknowns)[bin]++;
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    var gallery = c.gallery().subjects();
    ObjectNode g = body.putObject("gallery");
    g.put("subjects", gallery.size());
    g.put("templates", gallery.values().stream().mapToInt(r -> r.templates().size()).sum());
    ObjectNode ev = body.putObject("events");
    ev.put("held", recent.size());
    ev.put("matches", recent.stream().filter(IdentityEvent::isMatch).count());
    ev.put("unknowns", recent.stream().filter(e -> !e.isMatch()).count());
    ObjectNode h = body.putObject("scoreHistogram");
    h.put("from", HISTOGRAM_FROM);
    h.put("binWidth", HISTOGRAM_BIN);
    h.set("matches", Json.MAPPER.valueToTree(matches));
    h.set("unknowns", Json.MAPPER.valueToTree(unknowns));
    ObjectNode dl = body.putObject("deadLetters");
    dl.put("total", c.live().deadLetters().total());
    dl.set("byStage", Json.MAPPER.valueToTree(c.live().deadLetters().byStageAndReason()));
    ObjectNode sse = body.putObject("sse");
    sse.put("clients", c.live().hub().clients());
    sse.put("droppedClients", c.live().hub().droppedClients());
    body.put("thumbnails", c.live().thumbnails().size());
    sendJson(ex, 200, body);
  }

  private void metrics(HttpExchange ex, Matcher m, Principal who) throws IOException {
    send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", c.metrics().prometheusText().getBytes(StandardCharsets.UTF_8));
  }

  private void openApi(HttpExchange ex, Matcher m, Principal who) throws IOException {
    send(ex, 200, "application/json; charset=utf-8", resource("/api/openapi.json"));
  }

  private void staticFile(HttpExchange ex, String name) throws IOException {
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
    ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'");
    send(ex, 200, type, bytes);
  }

  private static byte[] resource(String path) {
    try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new ApiException(500, "resource " + path + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- subjects ----

  private static String subjectId(Matcher m) {
    String id = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    if (!SUBJECT_ID.matcher(id).matches()) {
      throw new ApiException(400, "expected a subject id of 1-128 characters [A-Za-z0-9._:@-], found '" + truncate(id) + "'");
    }
    return id;
  }

  private static ObjectNode subjectJson(GalleryRecord r) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", r.subjectId());
    n.put("displayName", r.displayName());
    n.put("templates", r.templates().size());
    n.put("modelPackId", r.modelPackId());
    n.put("enrolledAt", r.enrolledAt().toString());
    ArrayNode sources = n.putArray("sources");
    r.templates().forEach(t -> sources.add(t.source()));
    return n;
  }

  private void listSubjects(HttpExchange ex, Matcher m, Principal who) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode arr = body.putArray("subjects");
    c.gallery().subjects().values().forEach(r -> arr.add(subjectJson(r)));
    body.put("count", arr.size());
    sendJson(ex, 200, body);
  }

  private void getSubject(HttpExchange ex, Matcher m, Principal who) throws IOException {
    String id = subjectId(m);
    GalleryRecord r = c.gallery().subject(id).orElseThrow(() -> unknownSubject(id));
    sendJson(ex, 200, subjectJson(r));
  }

  private static ApiException unknownSubject(String id) {
    return new ApiException(404, "unknown subject " + id);
  }

  private void deleteSubject(HttpExchange ex, Matcher m, Principal who) throws Exception {
    String id = subjectId(m);
    GalleryRecord erasing = c.gallery().subject(id).orElseThrow(() -> unknownSubject(id));
    long deadline = System.nanoTime() + settings.applyTimeout().toNanos();
    AuditEntry audit = AuditEntry.of(who.actor(), AuditRecord.SUBJECT_ERASED, id, Map.of("via", "api", "remote", remote(ex),
        "templates", Integer.toString(erasing.templates().size()), "model.pack", erasing.modelPackId()));
    GalleryWriter.Written written = c.writer().write(id, null, audit);
    boolean viewApplied = c.gallery().awaitApplied(written, settings.applyTimeout());
    boolean matcherApplied = viewApplied && awaitMatcherDropped(id, deadline);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("erased", id);
    body.put("applied", matcherApplied);
    body.put("galleryOffset", written.offset());
    if (!matcherApplied) {
      body.put("pending", viewApplied ? "matcher" : "gallery view");
    }
    LOG.info("erased subject {} by key {} (tombstone at {}@{}, applied {})", id, who.keyId(), written.partition(), written.offset(), matcherApplied);
    sendJson(ex, matcherApplied ? 200 : 202, body);
  }

  private boolean awaitMatcherDropped(String id, long deadlineNanos) throws InterruptedException {
    while (c.matcher().holds(id)) {
      if (System.nanoTime() > deadlineNanos) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private void addFaces(HttpExchange ex, Matcher m, Principal who) throws Exception {
    String id = subjectId(m);
    byte[] body = readBody(ex);
    MultipartForm form = MultipartForm.parse(ex.getRequestHeaders().getFirst("Content-Type"), body);
    List<MultipartForm.Part> images = form.parts("image");
    if (images.isEmpty()) {
      throw new ApiException(400, "expected one or more files in form field 'image', found fields "
          + form.parts().stream().map(MultipartForm.Part::name).distinct().toList());
    }
    Map<String, byte[]> bySource = new LinkedHashMap<>();
    for (MultipartForm.Part p : images) {
      byte[] data = p.data();
      String source = p.sourceName();
      if (!isJpegOrPng(data)) {
        throw new ApiException(415, "image '" + truncate(source) + "': expected a JPEG or PNG image, found "
            + (data.length == 0 ? "an empty file" : describe(p.contentType(), data)));
      }
      String unique = source;
      for (int i = 2; bySource.containsKey(unique); i++) {
        unique = source + "#" + i;
      }
      bySource.put(unique, data);
    }
    String displayName = form.parts("displayName").stream().findFirst()
        .map(p -> new String(p.data(), StandardCharsets.UTF_8).trim()).filter(s -> !s.isEmpty()).orElse(null);

    enrollLock.lockInterruptibly();
    try {
      GalleryRecord fresh;
      try {
        fresh = c.enrollment().enroll(id, bySource);
      } catch (Enroller.EnrollmentException e) {
        throw new ApiException(422, e.getMessage());
      }
      Optional<GalleryRecord> existing = c.gallery().subject(id);
      List<Template> templates = new ArrayList<>();
      // templates of another model pack are not comparable with new ones: a re-enrollment replaces them
      existing.filter(r -> r.modelPackId().equals(fresh.modelPackId()) && r.dimension() == fresh.dimension())
          .ifPresent(r -> templates.addAll(r.templates()));
      templates.addAll(fresh.templates());
      String name = displayName != null ? displayName : existing.map(GalleryRecord::displayName).orElse(id);
      // the subject's photos old and new clustered together: the dominant cluster's sub-centres are kept
      Enroller.Enrollment chosen = Enroller.subCenters(id, name, templates, fresh.modelPackId(), settings.maxTemplatesPerSubject(),
          fresh.enrolledAt());
      GalleryRecord record = chosen.record();
      List<Template> kept = record.templates();
      int dropped = templates.size() - kept.size() - chosen.outliers().size();
      Map<String, String> details = new LinkedHashMap<>();
      details.put("via", "api");
      details.put("remote", remote(ex));
      details.put("templates.added", Integer.toString(fresh.templates().size()));
      details.put("templates", Integer.toString(kept.size()));
      details.put("templates.dropped", Integer.toString(dropped));
      details.put("templates.outliers", String.join(" ", chosen.outlierSources()));
      details.put("model.pack", record.modelPackId());
      GalleryWriter.Written written = c.writer().write(id, record, AuditEntry.of(who.actor(), AuditRecord.SUBJECT_ENROLLED, id, details));
      boolean applied = c.gallery().awaitApplied(written, settings.applyTimeout());
      ObjectNode out = subjectJson(record);
      out.put("added", fresh.templates().size());
      out.put("dropped", dropped);
      ArrayNode outliers = out.putArray("outliers");
      chosen.outlierSources().forEach(outliers::add);
      out.put("applied", applied);
      LOG.info("enrolled {} template(s) for subject {} by key {} ({} in all)", fresh.templates().size(), id, who.keyId(), kept.size());
      sendJson(ex, !applied ? 202 : existing.isPresent() ? 200 : 201, out);
    } finally {
      enrollLock.unlock();
    }
  }

  private static String remote(HttpExchange ex) {
    InetSocketAddress a = ex.getRemoteAddress();
    return a == null || a.getAddress() == null ? "?" : a.getAddress().getHostAddress();
  }

  private byte[] readBody(HttpExchange ex) throws IOException {
    long limit = settings.maxUploadBytes();
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          throw tooLarge(declared.trim());
        }
      } catch (NumberFormatException e) {
        throw new ApiException(400, "expected a numeric Content-Length, found '" + truncate(declared) + "'");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw tooLarge("more");
      }
      return body;
    }
  }

  private ApiException tooLarge(String found) {
    return new ApiException(413, "expected an upload of at most " + settings.maxUploadBytes() + " bytes, found " + found + " bytes");
  }

  static boolean isJpegOrPng(byte[] b) {
    boolean jpeg = b.length > 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    boolean png = b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    return jpeg || png;
  }

  private static String describe(String contentType, byte[] data) {
    return (contentType == null ? "no content type" : contentType) + ", " + data.length + " bytes";
  }

  private static String truncate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  // ---- events ----

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private void events(HttpExchange ex, Matcher m, Principal who) throws IOException {
    Map<String, String> q = query(ex.getRequestURI());
    int limit = 100;
    if (q.containsKey("limit")) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_EVENTS) {
        throw new ApiException(400, "expected limit in [1, " + MAX_EVENTS + "], found '" + truncate(q.get("limit")) + "'");
      }
    }
    String subject = q.get("subject");
    String camera = q.get("camera");
    Predicate<IdentityEvent> filter = e -> (subject == null || subject.equals(e.subjectOrUnknown()))
        && (camera == null || camera.equals(e.cameraId()));
    List<IdentityEvent> found = c.live().events().newest(limit, filter);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("count", found.size());
    ArrayNode arr = body.putArray("events");
    ObjectNode thumbs = Json.MAPPER.createObjectNode();
    for (IdentityEvent e : found) {
      arr.add(IdentityEventSerde.toCloudEvent(e));
      if (c.live().thumbnails().contains(e.id())) {
        thumbs.put(e.id(), thumbnailPath(e.id()));
      }
    }
    body.set("thumbnails", thumbs);
    sendJson(ex, 200, body);
  }

  /** The thumbnail URL path of an observation (its id has slashes; they stay, the route allows them). */
  static String thumbnailPath(String observationId) {
    return "/api/v1/events/" + observationId + "/thumbnail.jpg";
  }

  private void thumbnail(HttpExchange ex, Matcher m, Principal who) throws IOException {
    String id = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    byte[] jpeg = c.live().thumbnails().get(id).orElseThrow(() -> new ApiException(404,
        "no thumbnail for observation " + truncate(id) + " (thumbnails need worker.thumbnails=true and are kept for recent faces only)"));
    ex.getResponseHeaders().set("Cache-Control", "private, max-age=3600");
    send(ex, 200, "image/jpeg", jpeg);
  }

  private void stream(HttpExchange ex, Matcher m, Principal who) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.getResponseHeaders().set("X-Accel-Buffering", "no");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      c.live().hub().serve(out, "retry: 3000\n: connected\n\n", () -> !closing);
    }
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

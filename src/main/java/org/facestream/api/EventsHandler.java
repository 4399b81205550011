package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;

/**
 * {@code /api/v1/events}: recent identity events (filtered by subject and camera), the live stream of
 * server-sent events, and face thumbnails, all from the {@link LiveFeed}. Thread-safe.
 */
final class EventsHandler {
    /** Most events one request lists (and the statistics count over). */
    static final int MAX_EVENTS = 2000;

    private final LiveFeed live;
    private final BooleanSupplier serving;

    /** @param serving false once the server closes: its streams end */
    EventsHandler(LiveFeed live, BooleanSupplier serving) {
        this.live = live;
        this.serving = serving;
    }

    void events(HttpExchange ex, Matcher m, Principal who) throws IOException {
        Map<String, String> q = Exchanges.query(ex.getRequestURI());
        int limit = 100;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_EVENTS) {
                throw new ApiException(
                        400,
                        "expected limit in [1, " + MAX_EVENTS + "], found '" + Exchanges.truncate(q.get("limit"))
                                + "'");
            }
        }
        String subject = q.get("subject");
        String camera = q.get("camera");
        Predicate<IdentityEvent> filter = e -> (subject == null || subject.equals(e.subjectOrUnknown()))
                && (camera == null || camera.equals(e.cameraId()));
        List<IdentityEvent> found = live.shownEvents(limit, filter);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("count", found.size());
        ArrayNode arr = body.putArray("events");
        ObjectNode thumbs = Json.MAPPER.createObjectNode();
        for (IdentityEvent e : found) {
            arr.add(IdentityEventSerde.toCloudEvent(e));
            if (live.thumbnails().contains(e.id())) {
                thumbs.put(e.id(), thumbnailPath(e.id()));
            }
        }
        body.set("thumbnails", thumbs);
        Exchanges.sendJson(ex, 200, body);
    }

    /** The thumbnail URL path of an observation (its id has slashes; they stay, the route allows them). */
    static String thumbnailPath(String observationId) {
        return "/api/v1/events/" + observationId + "/thumbnail.jpg";
    }

    void thumbnail(HttpExchange ex, Matcher m, Principal who) throws IOException {
        String id = Exchanges.decode(m.group(1));
        byte[] jpeg = live.shownThumbnail(id)
                .orElseThrow(() -> new ApiException(
                        404,
                        "no thumbnail for observation " + Exchanges.truncate(id)
                                + " (thumbnails need worker.thumbnails=true and are kept for the recent events only)"));
        ex.getResponseHeaders().set("Cache-Control", "private, max-age=3600");
        Exchanges.send(ex, 200, "image/jpeg", jpeg);
    }

    void stream(HttpExchange ex, Matcher m, Principal who) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            live.hub().serve(out, "retry: 3000\n: connected\n\n", serving);
        }
    }
}

package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;

/**
 * {@code GET /api/v1/cameras} (per-camera rates with the worker group's lag) and {@code GET /api/v1/stats}
 * (the dashboard's counts and score histogram over the recent events). Thread-safe.
 */
final class StatsHandler {
    /** Score histogram of the dashboard: bins of 0.05 from -0.2 to 1.0 (cosines below -0.2 land in the first). */
    static final double HISTOGRAM_FROM = -0.2;

    static final double HISTOGRAM_BIN = 0.05;
    static final int HISTOGRAM_BINS = 24;

    private final LiveFeed live;
    private final GalleryView gallery;
    private final ClusterProbe cluster;

    StatsHandler(LiveFeed live, GalleryView gallery, ClusterProbe cluster) {
        this.live = live;
        this.gallery = gallery;
        this.cluster = cluster;
    }

    void cameras(HttpExchange ex, Matcher m, Principal who) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode arr = body.putArray("cameras");
        for (CameraStats.Snapshot s : live.cameras().snapshot()) {
            ObjectNode n = Json.MAPPER.valueToTree(s);
            OptionalLong lag = cluster.workerLag(s.cameraId());
            if (lag.isPresent()) {
                n.put("workerLag", lag.getAsLong());
            } else {
                n.putNull("workerLag");
            }
            arr.add(n);
        }
        body.put("windowSeconds", CameraStats.WINDOW.toSeconds());
        Exchanges.sendJson(ex, 200, body);
    }

    void stats(HttpExchange ex, Matcher m, Principal who) throws IOException {
        List<IdentityEvent> recent = live.shownEvents(EventsHandler.MAX_EVENTS, e -> true);
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
        var subjects = gallery.subjects();
        ObjectNode g = body.putObject("gallery");
        g.put("subjects", subjects.size());
        g.put(
                "templates",
                subjects.values().stream().mapToInt(r -> r.templates().size()).sum());
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
        dl.put("total", live.deadLetters().total());
        dl.set("byStage", Json.MAPPER.valueToTree(live.deadLetters().byStageAndReason()));
        ObjectNode sse = body.putObject("sse");
        sse.put("clients", live.hub().clients());
        sse.put("droppedClients", live.hub().droppedClients());
        body.put("thumbnails", live.thumbnails().size());
        Exchanges.sendJson(ex, 200, body);
    }
}

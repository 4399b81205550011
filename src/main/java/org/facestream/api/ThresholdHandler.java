package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.regex.Matcher;
import org.facestream.events.Json;

/** {@code GET /api/v1/threshold}: the matcher's decision threshold and how it changed. Thread-safe. */
final class ThresholdHandler {
    private final ThresholdSource threshold;

    ThresholdHandler(ThresholdSource threshold) {
        this.threshold = threshold;
    }

    void threshold(HttpExchange ex, Matcher m, Principal who) throws IOException {
        ThresholdSource.Snapshot s = threshold.snapshot();
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
        Exchanges.sendJson(ex, 200, body);
    }
}

package org.facestream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.facestream.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How every handler reads a request's query and answers: JSON bodies, errors, headers every answer carries. */
final class Exchanges {
    private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);

    private Exchanges() {}

    /** Answers {@code {"error": message, "status": status}}, unless the headers are already sent. */
    static void sendError(HttpExchange ex, int status, String message) {
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

    /**
     * Reads and discards what is left of a request's body, at most {@code maxBytes} of it, before an answer that
     * did not need it (a refusal). The JDK's server closes a connection whose request body was not read to its
     * end, after the answer and without saying so; an HTTP/1.1 client has by then put the connection back in its
     * pool, and its next request on it fails ("header parser received no bytes"; a POST is not retried). A body
     * that is left unread (declared or found larger than {@code maxBytes}, or unreadable) makes the answer say
     * {@code Connection: close} instead, so the client opens a new connection for its next request. Call it
     * before the answer's headers are sent.
     */
    static void discardBody(HttpExchange ex, long maxBytes) {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().containsKey("Transfer-Encoding");
        if (!chunked && length == null) {
            return; // no body
        }
        try {
            if (!chunked && Long.parseLong(length.strip()) > maxBytes) {
                closeAfterAnswer(ex); // not worth reading; the client may see a reset instead of the answer
                return;
            }
            InputStream in = ex.getRequestBody();
            byte[] buffer = new byte[16384];
            long left = maxBytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return; // read to its end: the connection stays usable
                }
                left -= n;
            }
            if (in.read() >= 0) {
                closeAfterAnswer(ex);
            }
        } catch (NumberFormatException | IOException e) {
            closeAfterAnswer(ex);
        }
    }

    private static void closeAfterAnswer(HttpExchange ex) {
        ex.getResponseHeaders().set("Connection", "close");
    }

    static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        send(ex, status, "application/json; charset=utf-8", bytes);
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The decoded query parameters, in order (a repeated one keeps its last value). */
    static Map<String, String> query(URI uri) {
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

    /** The client's address, as audit records name it, or {@code ?}. */
    static String remote(HttpExchange ex) {
        InetSocketAddress a = ex.getRemoteAddress();
        return a == null || a.getAddress() == null ? "?" : a.getAddress().getHostAddress();
    }

    /** {@code s}, cut to 80 characters: what a message repeats of the client's input. */
    static String truncate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}

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
import org.facestream.events.Printable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How every handler reads a request's query and answers: JSON bodies, errors, headers every answer carries. */
final class Exchanges {
    private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);

    private Exchanges() {}

    /** The most characters of an error message a client gets back: messages quote input, input is unbounded. */
    static final int MAX_ERROR_CHARS = 1000;

    /**
     * Answers {@code {"error": message, "status": status}}, unless the headers are already sent; the message cut to
     * {@value #MAX_ERROR_CHARS} characters and its control characters escaped ({@link #printable}).
     */
    static void sendError(HttpExchange ex, int status, String message) {
        if (ex.getResponseCode() != -1) {
            return; // headers already sent: nothing more can be said
        }
        try {
            send(ex, status, "application/json; charset=utf-8", errorBody(status, message));
        } catch (IOException e) {
            LOG.debug("could not send error {}: {}", status, e.toString());
        }
    }

    /**
     * Answers an error to a request whose body may still be arriving: the whole answer is written (its length
     * declared, so the client has all of it) and flushed, then the rest of the body is read and dropped, at most
     * {@code maxBytes} and until {@code deadlineNanos}, and only then does the response end. A server that ends its
     * response and closes while the client is still sending resets the connection, and the client loses the answer.
     */
    static void sendErrorThenDiscard(HttpExchange ex, int status, String message, long maxBytes, long deadlineNanos) {
        if (ex.getResponseCode() != -1) {
            return;
        }
        ex.getResponseHeaders().set("Connection", "close");
        byte[] body = errorBody(status, message);
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.getResponseBody().flush();
        } catch (IOException e) {
            LOG.debug("could not send error {}: {}", status, e.toString());
            return;
        }
        discardBody(ex, maxBytes, deadlineNanos);
    }

    /** Whether the request declares a body (a Content-Length above 0, or chunked). */
    static boolean hasBody(HttpExchange ex) {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        return ex.getRequestHeaders().containsKey("Transfer-Encoding")
                || (length != null && !length.strip().equals("0"));
    }

    /** Reads and drops what is left of the request body: at most {@code maxBytes}, until {@code deadlineNanos}. */
    static void discardBody(HttpExchange ex, long maxBytes, long deadlineNanos) {
        byte[] buf = new byte[64 * 1024];
        long left = maxBytes;
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while (left > 0
                    && System.nanoTime() - deadlineNanos < 0
                    && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
                // hundreds of refused uploads drain at once: let every other request have its turn in between
                Thread.yield();
            }
        } catch (IOException e) {
            // the client went away or stopped sending: it has its answer
        }
    }

    /** The bytes of {@code {"error": message, "status": status}}, the message bounded and escaped. */
    static byte[] errorBody(int status, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", printable(message));
        body.put("status", status);
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
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
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.put(k, v);
        }
        return out;
    }

    /** A percent-encoded URL part, decoded; a malformed escape ({@code %zz}) is a 400, not a failure of the server. */
    static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "expected percent-encoded text, found '" + truncate(encoded) + "'");
        }
    }

    /** The client's address, as audit records name it, or {@code ?}. */
    static String remote(HttpExchange ex) {
        InetSocketAddress a = ex.getRemoteAddress();
        return a == null || a.getAddress() == null ? "?" : a.getAddress().getHostAddress();
    }

    /** {@code s}, cut to 80 characters and its control characters escaped: what a message repeats of the client's input. */
    static String truncate(String s) {
        return Printable.of(s, 80);
    }

    /** {@code s} cut to {@value #MAX_ERROR_CHARS} characters, control characters escaped: what an error body may say. */
    static String printable(String s) {
        return Printable.of(s, MAX_ERROR_CHARS);
    }
}

package org.facestream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.events.Json;
import org.facestream.testing.Await;

/**
 * Headless chromium driven over the DevTools protocol (a WebSocket, JSON commands), for tests that must type
 * into a page: the dashboard's key prompt. Only what the dashboard test needs: evaluate JavaScript, wait for a
 * condition, take a screenshot. Not thread-safe.
 */
final class DevToolsBrowser implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private final Process process;
    private final Path stderr;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private DevToolsBrowser(Process process, Path stderr, WebSocket socket, Listener listener) {
        this.process = process;
        this.stderr = stderr;
        this.socket = socket;
        listener.owner = this;
    }

    /** Starts chromium on {@code url} with a window of {@code width} x {@code height} and attaches to its page. */
    static DevToolsBrowser launch(String chromium, Path dir, String url, int width, int height) throws Exception {
        Path err = dir.resolve("chromium-devtools.err");
        List<String> cmd = new ArrayList<>(List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile-devtools"),
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=" + width + "," + height,
                url));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        try {
            String devtools = Await.until(
                    "chromium to open DevTools (last seen: its stderr)",
                    Duration.ofSeconds(30),
                    () -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(
                                    "chromium exited: " + (Files.exists(err) ? Files.readString(err) : ""));
                        }
                        return Files.exists(err) ? Files.readString(err) : "";
                    },
                    text -> LISTENING.matcher(text).find());
            Matcher m = LISTENING.matcher(devtools);
            m.find();
            URI base = URI.create(m.group(1).replaceFirst("^ws://", "http://").replaceFirst("/devtools/.*$", ""));
            HttpClient http = HttpClient.newHttpClient();
            String pageWs = Await.until(
                    "a page for " + url, Duration.ofSeconds(30), () -> pageTarget(http, base), Objects::nonNull);
            Listener listener = new Listener();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(pageWs), listener)
                    .get(10, TimeUnit.SECONDS);
            return new DevToolsBrowser(p, err, ws, listener);
        } catch (Exception | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The DevTools WebSocket of the browser's page, or null while it has none. */
    private static String pageTarget(HttpClient http, URI base) throws Exception {
        JsonNode targets = Json.MAPPER.readTree(http.send(
                        HttpRequest.newBuilder(base.resolve("/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        for (JsonNode t : targets) {
            if (t.path("type").asText().equals("page")) {
                return t.path("webSocketDebuggerUrl").asText();
            }
        }
        return null;
    }

    /** Sends one DevTools command and returns its {@code result}. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params == null ? Json.MAPPER.createObjectNode() : params);
        socket.sendText(Json.MAPPER.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    /** The value of a JavaScript expression in the page (promises awaited). */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("expression", expression);
        p.put("returnByValue", true);
        p.put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw on '" + expression + "': " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /**
     * Waits until {@code expression} is true in the page, failing with {@code what}, the expression and chromium's
     * standard error when {@code timeout} passes first. While the page navigates its elements are missing or its
     * context is gone: that counts as not yet.
     */
    void await(String what, String expression, Duration timeout) throws Exception {
        try {
            Await.until(what, timeout, () -> holds(expression));
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + " (page expression: " + expression + "; chromium: " + stderr() + ")", e);
        }
    }

    private boolean holds(String expression) throws Exception {
        try {
            return evaluate("(() => { try { return Boolean(" + expression + "); } catch (e) { return false; } })()")
                    .asBoolean();
        } catch (IllegalStateException navigating) {
            return false; // the execution context was destroyed by a navigation: ask the new page next time
        }
    }

    /** A PNG of the viewport. */
    byte[] screenshot() throws Exception {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("format", "png");
        return Base64.getDecoder()
                .decode(call("Page.captureScreenshot", p).path("data").asText());
    }

    String stderr() throws java.io.IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static final class Listener implements WebSocket.Listener {
        DevToolsBrowser owner;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode msg = Json.MAPPER.readTree(partial.toString());
                    if (msg.has("id") && owner != null) {
                        CompletableFuture<JsonNode> f =
                                owner.pending.remove(msg.get("id").asInt());
                        if (f != null) {
                            f.complete(msg);
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    partial.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }
    }
}

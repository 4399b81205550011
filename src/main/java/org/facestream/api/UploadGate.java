package org.facestream.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.config.ApiSettings;
import org.facestream.metrics.MetricsRegistry;

/**
 * Admits enrollment uploads a few at a time and reads them into bounded memory. An upload takes a slot before
 * a byte of its body is read; with every slot taken it is answered 503 with {@code Retry-After} at once, and its
 * body is then read and discarded (64 kB at a time, up to the upload limit, within the upload time limit) so the
 * client receives the answer instead of a reset (so is one declared too large, answered 413). An admitted body streams into a {@link MultipartForm} (each
 * part held once), refused with 413 as soon as it exceeds the limit (or at once when its Content-Length does) and
 * with 408 when it has not arrived by the upload timeout. So at most {@code maxConcurrentUploads x maxUploadBytes}
 * of upload bodies are in memory, whatever the number of clients.
 *
 * <p>Refusals are counted in {@code api_uploads_refused_total{reason}} ({@code busy}, {@code too-large},
 * {@code timeout}), each from zero. Thread-safe.
 */
final class UploadGate {
    /** Seconds a refused client is asked to wait: about one enrollment. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final int DISCARD_LIMIT_FACTOR = 4;

    private final long maxUploadBytes;
    private final Duration uploadTimeout;
    private final int slots;
    private final Semaphore free;
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();

    /** A taken slot: closing it frees the slot. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    UploadGate(ApiSettings settings, MetricsRegistry metrics) {
        this.maxUploadBytes = settings.maxUploadBytes();
        this.uploadTimeout = settings.limits().uploadTimeout();
        this.slots = settings.limits().maxConcurrentUploads();
        this.free = new Semaphore(slots);
        for (String reason : new String[] {"busy", "too-large", "timeout"}) {
            refused.put(
                    reason,
                    metrics.counter(
                            "api_uploads_refused_total",
                            "Enrollment uploads refused: busy (every upload slot taken: 503 with Retry-After),"
                                    + " too-large (413), timeout (not arrived in time: 408)",
                            MetricsRegistry.label("reason", reason)));
        }
        metrics.gauge(
                "api_uploads_in_progress",
                "Enrollment uploads being read or analysed",
                "",
                () -> slots - free.availablePermits());
    }

    /**
     * Takes a slot for {@code ex}'s upload, or answers it: 413 when its declared length is over the limit, 503 with
     * {@code Retry-After} when every slot is taken (either way its body is then read and discarded).
     *
     * @return the slot, or null when the request has been answered
     */
    Slot enter(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(
                        400, "expected a numeric Content-Length, found '" + Exchanges.truncate(declared) + "'");
            }
            if (length > maxUploadBytes) {
                refused.get("too-large").increment();
                ex.getResponseHeaders().set("Connection", "close");
                throw new ApiException(
                        413, "expected an upload of at most " + maxUploadBytes + " bytes, found " + length + " bytes");
            }
        }
        if (!free.tryAcquire()) {
            refused.get("busy").increment();
            ex.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            answerThenDiscard(
                    ex,
                    503,
                    "expected a free upload slot, found all " + slots + " taken by other enrollments; retry after "
                            + RETRY_AFTER_SECONDS + " s");
            return null;
        }
        return free::release;
    }

    /** Reads the admitted upload of {@code ex} as a form, within the limit and the upload timeout. */
    MultipartForm read(HttpExchange ex, long deadlineNanos) throws IOException {
        // not closed here: after a refusal the router reads and drops the rest, so the client gets the answer
        InputStream in = ex.getRequestBody();
        try {
            return MultipartForm.read(
                    ex.getRequestHeaders().getFirst("Content-Type"), in, maxUploadBytes, deadlineNanos);
        } catch (ApiException e) {
            if (e.status() == 413 || e.status() == 408) {
                refused.get(e.status() == 413 ? "too-large" : "timeout").increment();
                ex.getResponseHeaders().set("Connection", "close");
            }
            throw e;
        }
    }

    /** The deadline of an upload whose request head arrived now. */
    long deadlineFromNow() {
        return System.nanoTime() + uploadTimeout.toNanos();
    }

    private void answerThenDiscard(HttpExchange ex, int status, String message) {
        Exchanges.sendErrorThenDiscard(ex, status, message, discardLimit(), deadlineFromNow());
    }

    /** The most of a refused body read and dropped: {@value #DISCARD_LIMIT_FACTOR} times the upload limit. */
    long discardLimit() {
        return DISCARD_LIMIT_FACTOR * maxUploadBytes;
    }
}

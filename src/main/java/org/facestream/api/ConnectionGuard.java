package org.facestream.api;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API's connections may hold: a connection must deliver a complete request head within the header
 * timeout of opening or of its previous response, and at most a fixed number are open at once. Idle sockets
 * and slowly dripped headers (slowloris) are closed by the first rule; the second keeps file descriptors for
 * what else the process opens (key-file reloads, Kafka, RocksDB).
 *
 * <p>At the cap a new connection evicts the connection that has waited longest without a request, so a flood
 * of idle connections cannot lock out the next real client (a health probe connects and sends its request at
 * once, so it is never the longest waiting); only when every connection is handling a request is the new one
 * closed. Connections handling a request (an upload, an event stream, an enrollment) are bounded elsewhere:
 * Jetty's idle timeout fails a read or write that makes no progress, the upload reader has a deadline, and
 * uploads are admitted a few at a time.
 *
 * <p>Every close is counted in {@code api_connections_closed_total{reason}}: {@code header-timeout},
 * {@code limit} (evicted or refused at the cap) and {@code other} (the client closed, an error, Jetty's idle
 * timeout, the end of a response that closes; an upload that did not arrive in time is also counted in
 * {@code api_uploads_refused_total{reason="timeout"}}). Thread-safe: Jetty
 * calls {@link #onOpened} and {@link #onClosed} from its selector threads, handlers call
 * {@link #requestStarted} and {@link #requestDone}, one scheduler thread sweeps.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    /** The reasons of {@code api_connections_closed_total}. */
    static final List<String> REASONS = List.of("header-timeout", "limit", "other");

    private static final class Tracked {
        final Connection connection;
        volatile boolean handling;
        volatile long waitingSinceNanos;
        private String closeReason;

        Tracked(Connection connection, long now) {
            this.connection = connection;
            this.waitingSinceNanos = now;
        }

        /** Marks it closing for {@code reason}; false when it already was. */
        synchronized boolean closing(String reason) {
            if (closeReason != null) {
                return false;
            }
            closeReason = reason;
            return true;
        }

        synchronized String closeReason() {
            return closeReason;
        }
    }

    private final int maxConnections;
    private final long headerTimeoutNanos;
    private final LongSupplier nanoClock;
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    /** Open connections not yet being closed: what holds file descriptors. */
    private final AtomicInteger live = new AtomicInteger();
    /** The most connections that were ever open at once (not being closed). */
    private final AtomicInteger mostLive = new AtomicInteger();

    private final Map<String, LongAdder> closed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /**
     * @param maxConnections most connections open at once
     * @param headerTimeout how long a connection may wait before its request head is complete
     * @param metrics where closes are counted (every reason from zero) and open connections shown
     */
    ConnectionGuard(int maxConnections, Duration headerTimeout, MetricsRegistry metrics) {
        this(maxConnections, headerTimeout, metrics, System::nanoTime, true);
    }

    ConnectionGuard(
            int maxConnections,
            Duration headerTimeout,
            MetricsRegistry metrics,
            LongSupplier nanoClock,
            boolean sweep) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("expected a connection cap >= 1, found " + maxConnections);
        }
        this.maxConnections = maxConnections;
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.nanoClock = nanoClock;
        for (String reason : REASONS) {
            closed.put(
                    reason,
                    metrics.counter(
                            "api_connections_closed_total",
                            "API connections closed, by reason: header-timeout (no complete request head in time),"
                                    + " limit (evicted or refused at the connection cap), other (client, error, idle"
                                    + " timeout, end of response)",
                            MetricsRegistry.label("reason", reason)));
        }
        metrics.gauge("api_connections_open", "API connections open", "", live::get);
        if (sweep) {
            long period = Math.max(50, Math.min(1000, headerTimeout.toMillis() / 4));
            sweeper = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("api-connection-guard").factory());
            sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
        } else {
            sweeper = null;
        }
    }

    /**
     * Counts the new connection and, above the cap, closes connections until the cap holds again: the one waiting
     * longest without a request first, the newcomer when every other is handling one. Serialised, since Jetty may
     * open connections on several threads at once: counted and evicted together, the cap is never exceeded by
     * more than the newcomer.
     */
    @Override
    public synchronized void onOpened(Connection connection) {
        Tracked fresh = new Tracked(connection, nanoClock.getAsLong());
        open.put(connection, fresh);
        mostLive.accumulateAndGet(live.incrementAndGet(), Math::max);
        while (live.get() > maxConnections) {
            Tracked victim = open.values().stream()
                    .filter(t -> !t.handling && t != fresh && t.closeReason() == null)
                    .min(Comparator.comparingLong(t -> t.waitingSinceNanos))
                    .orElse(fresh.closeReason() == null ? fresh : null);
            if (victim == null) {
                return;
            }
            close(victim, "limit");
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked t = open.remove(connection);
        if (t != null) {
            if (t.closing("other")) {
                live.decrementAndGet();
            }
            closed.get(t.closeReason()).increment();
        }
    }

    /** The connection's request head is complete and its handler runs: no header timeout until it is done. */
    void requestStarted(Connection connection) {
        Tracked t = open.get(connection);
        if (t != null) {
            t.handling = true;
        }
    }

    /** The connection's response is complete: it has the header timeout again for its next request. */
    void requestDone(Connection connection) {
        Tracked t = open.get(connection);
        if (t != null) {
            t.waitingSinceNanos = nanoClock.getAsLong();
            t.handling = false;
        }
    }

    /** Connections open now and not being closed. */
    int openConnections() {
        return live.get();
    }

    /** The most connections open at once so far, counting each one from its opening to its eviction. */
    int mostOpenConnections() {
        return mostLive.get();
    }

    /** Closes every connection that has waited longer than the header timeout for its request head. */
    void sweep() {
        long now = nanoClock.getAsLong();
        try {
            for (Tracked t : open.values()) {
                if (!t.handling && now - t.waitingSinceNanos > headerTimeoutNanos) {
                    close(t, "header-timeout");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping API connections failed; trying again", e);
        }
    }

    private void close(Tracked t, String reason) {
        if (t.closing(reason)) {
            live.decrementAndGet();
            t.connection.getEndPoint().close();
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}

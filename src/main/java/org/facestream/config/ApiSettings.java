package org.facestream.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the API server.
 *
 * @param host address to bind ({@code 127.0.0.1} by default: the API can erase subjects and shows faces, so
 *     exposing it is a deliberate choice)
 * @param port TCP port, 0 for any free port
 * @param maxUploadBytes largest enrollment request body; larger ones are refused with 413
 * @param maxTemplatesPerSubject most sub-centre templates a subject keeps: the most diverse of the dominant cluster of
 *     its photos, old and new (the others of that cluster are dropped, photos outside it reported as outliers)
 * @param applyTimeout how long a write waits to be applied (gallery view, matcher) before answering 202
 * @param limits what one client can hold of the server: connections, time, concurrent uploads
 */
public record ApiSettings(
        String host, int port, long maxUploadBytes, int maxTemplatesPerSubject, Duration applyTimeout, Limits limits) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 20;
    public static final int DEFAULT_MAX_TEMPLATES = 10;

    /**
     * What the server lets clients hold, so that no request, and no number of idle or slow connections, stalls it.
     *
     * @param headerTimeout a connection must deliver a complete request head within this long of opening or of its
     *     previous response, or it is closed (idle keep-alive connections, slowly dripped headers)
     * @param idleTimeout a request whose connection moves no byte for this long fails (a stalled upload, a reader
     *     that stopped reading); an event stream's heartbeats keep it alive
     * @param uploadTimeout an enrollment upload must arrive within this long of its request head
     * @param maxConnections most connections open at once; at the cap a new connection evicts the one that has
     *     waited longest without a request (never capped above half the process's file-descriptor limit)
     * @param maxConcurrentUploads enrollment uploads read and analysed at once; more are answered 503 with
     *     {@code Retry-After} before their bodies are read
     */
    public record Limits(
            Duration headerTimeout,
            Duration idleTimeout,
            Duration uploadTimeout,
            int maxConnections,
            int maxConcurrentUploads) {
        public Limits {
            requirePositive("headerTimeout", headerTimeout);
            requirePositive("idleTimeout", idleTimeout);
            requirePositive("uploadTimeout", uploadTimeout);
            if (maxConnections < 1) {
                throw new IllegalArgumentException("expected maxConnections >= 1, found " + maxConnections);
            }
            if (maxConcurrentUploads < 1) {
                throw new IllegalArgumentException("expected maxConcurrentUploads >= 1, found " + maxConcurrentUploads);
            }
        }

        /** 10 s for a request head, 30 s without a byte, 60 s for an upload, 1,024 connections, 2 uploads at once. */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), 1024, 2);
        }

        private static void requirePositive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("expected a positive " + what + ", found " + d);
            }
        }
    }

    public ApiSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected a port in [0, 65535], found " + port);
        }
        if (maxUploadBytes < 1024) {
            throw new IllegalArgumentException("expected an upload limit >= 1024 bytes, found " + maxUploadBytes);
        }
        if (maxTemplatesPerSubject < 1) {
            throw new IllegalArgumentException(
                    "expected at least 1 template per subject, found " + maxTemplatesPerSubject);
        }
        if (applyTimeout == null || applyTimeout.isNegative() || applyTimeout.isZero()) {
            throw new IllegalArgumentException("expected a positive apply timeout, found " + applyTimeout);
        }
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * Loopback on {@code port}, 10 MB uploads, 10 templates per subject, 15 s to apply a write, the default
     * {@link Limits}.
     */
    public static ApiSettings defaults(int port) {
        return new ApiSettings(
                "127.0.0.1",
                port,
                DEFAULT_MAX_UPLOAD_BYTES,
                DEFAULT_MAX_TEMPLATES,
                Duration.ofSeconds(15),
                Limits.defaults());
    }

    public ApiSettings withHost(String h) {
        return new ApiSettings(h, port, maxUploadBytes, maxTemplatesPerSubject, applyTimeout, limits);
    }

    public ApiSettings withMaxUploadBytes(long bytes) {
        return new ApiSettings(host, port, bytes, maxTemplatesPerSubject, applyTimeout, limits);
    }

    public ApiSettings withApplyTimeout(Duration timeout) {
        return new ApiSettings(host, port, maxUploadBytes, maxTemplatesPerSubject, timeout, limits);
    }

    public ApiSettings withLimits(Limits l) {
        return new ApiSettings(host, port, maxUploadBytes, maxTemplatesPerSubject, applyTimeout, l);
    }
}

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
 */
public record ApiSettings(
        String host, int port, long maxUploadBytes, int maxTemplatesPerSubject, Duration applyTimeout) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 20;
    public static final int DEFAULT_MAX_TEMPLATES = 10;

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
    }

    /** Loopback on {@code port}, 10 MB uploads, 10 templates per subject, 15 s to apply a write. */
    public static ApiSettings defaults(int port) {
        return new ApiSettings(
                "127.0.0.1", port, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_TEMPLATES, Duration.ofSeconds(15));
    }

    public ApiSettings withHost(String h) {
        return new ApiSettings(h, port, maxUploadBytes, maxTemplatesPerSubject, applyTimeout);
    }

    public ApiSettings withMaxUploadBytes(long bytes) {
        return new ApiSettings(host, port, bytes, maxTemplatesPerSubject, applyTimeout);
    }

    public ApiSettings withApplyTimeout(Duration timeout) {
        return new ApiSettings(host, port, maxUploadBytes, maxTemplatesPerSubject, timeout);
    }
}

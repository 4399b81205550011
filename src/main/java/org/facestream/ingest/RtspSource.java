package org.facestream.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live camera stream (RTSP over TCP, or any FFmpeg URL) that never ends: a camera that does not answer at
 * start is waited for exactly as one whose stream drops, stalls past the read timeout or reaches its end: the
 * source connects with exponential backoff (initial wait doubling up to the longest) and goes on. It says so
 * once per series of failed attempts (the first failure, at WARN, with FFmpeg's reason; the others at DEBUG;
 * then one line when connected again) and counts every failed attempt ({@link #connectFailures()}, exported
 * as {@code facestream_ingest_connect_failures_total}), so a camera that is down shows on dashboards and
 * alerts rather than in a flood of lines. Nothing connects before the first {@link #next()}.
 *
 * <p>Frames carry no media time ({@code -1}): camera timestamps restart on every reconnect and drift,
 * so ingest samples live frames by arrival time instead. Passwords in the URL never reach the logs.
 *
 * <p>Not thread-safe (see {@link FrameSource}); an interrupt ends a backoff wait.
 */
public final class RtspSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(RtspSource.class);

    /**
     * How the source talks to the camera.
     *
     * @param ioTimeout how long a connect or read may stall before the stream counts as dropped
     * @param initialBackoff wait after the first failed connection attempt of a series; doubles per attempt
     * @param maxBackoff the longest wait between attempts
     */
    public record Settings(Duration ioTimeout, Duration initialBackoff, Duration maxBackoff) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30));

        public Settings {
            requirePositive("ioTimeout", ioTimeout);
            requirePositive("initialBackoff", initialBackoff);
            requirePositive("maxBackoff", maxBackoff);
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "expected maxBackoff >= initialBackoff " + initialBackoff + ", found " + maxBackoff);
            }
        }

        private static void requirePositive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("expected a positive " + what + ", found " + d);
            }
        }
    }

    private final String url;
    private final String safeUrl;
    private final Settings settings;
    private final AtomicLong connectFailures = new AtomicLong();
    private FfmpegDecoder decoder;
    private boolean everConnected;
    private long decodeErrors;
    private long reconnects;
    private boolean closed;
    private int maxSide;

    private RtspSource(String url, Settings settings) {
        this.url = url;
        this.safeUrl = redact(url);
        this.settings = settings;
    }

    /** A source for {@code url}; it connects on the first {@link #next()}, waiting for the camera if need be. */
    public static RtspSource open(String url, Settings settings) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(settings, "settings");
        if (!url.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.+")) {
            throw new SourceException("expected a camera URL such as rtsp://host/path, found '" + redact(url) + "'");
        }
        return new RtspSource(url, settings);
    }

    static Map<String, String> options(String url, Settings settings) {
        String micros = Long.toString(settings.ioTimeout().toNanos() / 1000);
        Map<String, String> options = new LinkedHashMap<>();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            // UDP loses packets (grey smears) on busy networks; TCP interleaving trades a little latency for whole
            // frames.
            options.put("rtsp_transport", "tcp");
            options.put("timeout", micros); // RTSP socket I/O timeout, microseconds
        }
        options.put("rw_timeout", micros); // any protocol: a stalled read ends instead of hanging the grab thread
        return options;
    }

    @Override
    public GrabbedFrame next() throws InterruptedException {
        while (!closed) {
            if (decoder == null) {
                connect();
                continue;
            }
            try {
                GrabbedFrame frame = decoder.grab();
                if (frame != null) {
                    return new GrabbedFrame(frame.image(), -1);
                }
                log.warn("camera {}: stream ended, reconnecting", safeUrl);
            } catch (FrameGrabber.Exception | RuntimeException e) {
                decodeErrors++;
                log.warn(
                        "camera {}: read failed, reconnecting: {}",
                        safeUrl,
                        e.toString().replace(url, safeUrl));
            }
            decoder.close();
            decoder = null;
        }
        return null;
    }

    /**
     * Connects, retrying until the camera answers or the source is closed: the first attempt at once, then after
     * initialBackoff, doubling up to maxBackoff. One WARN for the series' first failure, one INFO when connected.
     */
    private void connect() throws InterruptedException {
        long waitMillis = settings.initialBackoff().toMillis();
        long failed = 0;
        long seriesStart = System.nanoTime();
        while (!closed) {
            try {
                decoder = FfmpegDecoder.open(url, safeUrl, options(url, settings));
                decoder.scaleTo(maxSide);
            } catch (SourceException e) {
                failed++;
                connectFailures.incrementAndGet();
                if (failed == 1) {
                    log.warn(
                            "camera {} does not answer ({}); retrying with backoff from {} ms up to every {} s until"
                                    + " it does (each failed attempt counts in"
                                    + " facestream_ingest_connect_failures_total)",
                            safeUrl,
                            e.getMessage(),
                            settings.initialBackoff().toMillis(),
                            settings.maxBackoff().toSeconds());
                } else {
                    log.debug("camera {}: attempt {} failed: {}", safeUrl, failed, e.getMessage());
                }
                Thread.sleep(waitMillis);
                waitMillis = Math.min(waitMillis * 2, settings.maxBackoff().toMillis());
                continue;
            }
            if (everConnected) {
                reconnects++;
            }
            if (failed > 0) {
                log.info(
                        "camera {}: connected after {} failed attempt(s) in {} s",
                        safeUrl,
                        failed,
                        Duration.ofNanos(System.nanoTime() - seriesStart).toSeconds());
            } else {
                log.info(
                        "camera {}: {}",
                        safeUrl,
                        everConnected ? "reconnected (reconnect #" + reconnects + ")" : "connected");
            }
            everConnected = true;
            return;
        }
    }

    @Override
    public Timeline timeline() {
        return Timeline.LIVE;
    }

    @Override
    public void scaleTo(int side) {
        maxSide = side;
        if (decoder != null) {
            decoder.scaleTo(side);
        }
    }

    @Override
    public long decodeErrors() {
        return decodeErrors;
    }

    @Override
    public long connectFailures() {
        return connectFailures.get();
    }

    /** Successful reconnects after the first connection since the source was opened. */
    public long reconnects() {
        return reconnects;
    }

    @Override
    public String description() {
        return "camera " + safeUrl;
    }

    @Override
    public void close() {
        closed = true;
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }

    /** {@code rtsp://user:secret@host/x} becomes {@code rtsp://user:***@host/x}. */
    static String redact(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/:@]*):[^/@]*@", "$1:***@");
    }
}

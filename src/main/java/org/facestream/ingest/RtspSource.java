package org.facestream.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live camera stream (RTSP over TCP, or any FFmpeg URL) that never ends: when the stream drops, stalls
 * past the read timeout or reaches its end, the source reconnects with exponential backoff and goes on.
 * The first connection is made eagerly, so a wrong URL fails at start-up instead of retrying forever.
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
     * @param initialBackoff wait before the first reconnect; doubles per failed attempt
     * @param maxBackoff the longest wait between reconnects
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
    private FfmpegDecoder decoder;
    private long decodeErrors;
    private long reconnects;
    private boolean closed;
    private int maxSide;

    private RtspSource(String url, Settings settings, FfmpegDecoder decoder) {
        this.url = url;
        this.safeUrl = redact(url);
        this.settings = settings;
        this.decoder = decoder;
    }

    /**
     * Connects to {@code url}.
     *
     * @throws SourceException when the first connection fails
     */
    public static RtspSource open(String url, Settings settings) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(settings, "settings");
        try {
            return new RtspSource(url, settings, FfmpegDecoder.open(url, redact(url), options(url, settings)));
        } catch (SourceException e) {
            throw new SourceException("cannot connect to camera " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    static Map<String, String> options(String url, Settings settings) {
        String micros = Long.toString(settings.ioTimeout().toNanos() / 1000);
        Map<String, String> options = new LinkedHashMap<>();
        if (url.startsWith("rtsp://") || url.startsWith("rtsps://")) {
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
                reconnect();
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

    /** Retries until connected; waits initialBackoff, doubling up to maxBackoff. */
    private void reconnect() throws InterruptedException {
        long waitMillis = settings.initialBackoff().toMillis();
        while (!closed) {
            Thread.sleep(waitMillis);
            try {
                decoder = FfmpegDecoder.open(url, safeUrl, options(url, settings));
                decoder.scaleTo(maxSide);
                reconnects++;
                log.info("camera {}: reconnected (reconnect #{})", safeUrl, reconnects);
                return;
            } catch (SourceException e) {
                log.warn(
                        "camera {}: reconnect failed, next try in {} ms: {}",
                        safeUrl,
                        Math.min(waitMillis * 2, settings.maxBackoff().toMillis()),
                        e.getMessage());
                waitMillis = Math.min(waitMillis * 2, settings.maxBackoff().toMillis());
            }
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

    /** Successful reconnects since the source was opened. */
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

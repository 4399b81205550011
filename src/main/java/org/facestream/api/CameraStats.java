package org.facestream.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-camera rates over the last minute, from the face observations and identity events the API already
 * reads. Frames without faces never reach those topics, so the frame rate comes from frame sequence
 * numbers (they count every sampled frame): sequences advanced per second of capture time, within the
 * newest ingest run (sequences restart at 0 when a camera's ingest restarts). The newest frame is the one
 * captured last, whatever its run and sequence. The window is the last minute of capture time (camera clocks
 * are assumed roughly right).
 *
 * <p>Bounded, since any producer of the topics can name cameras: a camera nothing arrived from for
 * {@link #STALE_AFTER} is forgotten, at most {@link #MAX_CAMERAS} are kept (a new one evicts the one heard
 * from least recently), each keeps at most {@link #MAX_SAMPLES} samples of each kind in its window, and a
 * record stamped more than {@link #MAX_CLOCK_AHEAD} in the future is ignored
 * (its capture time would otherwise keep it in the window for ever). Thread-safe.
 */
public final class CameraStats {
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** A camera nothing arrived from for this long is forgotten. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);
    /** Most cameras kept. */
    static final int MAX_CAMERAS = 1000;
    /** Most samples of each kind kept per camera within the window (the rates of a flood are still floods). */
    static final int MAX_SAMPLES = 10_000;
    /** How far ahead of this clock a capture time may be before the record is ignored. */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(1);

    private final Clock clock;
    private final int maxCameras;
    private final Duration staleAfter;
    private final Map<String, Camera> cameras = new TreeMap<>();
    private long ignoredFuture;
    private long touches;

    /**
     * One camera's figures.
     *
     * @param cameraId the camera
     * @param framesPerSecond frames sampled per second over the window (from sequence numbers)
     * @param facesPerSecond face observations per second over the window
     * @param matchesLastMinute identity events naming a subject in the window
     * @param unknownsLastMinute identity events of unknown faces in the window
     * @param lastFrameAt capture time of the newest frame seen, null if none
     * @param lastIngestRun ingest run of the newest frame seen, null if none or its frame had no run
     * @param lastFrameSequence sequence of the newest frame seen within its run, -1 if none
     * @param facesTotal observations seen since the API started
     */
    public record Snapshot(
            String cameraId,
            double framesPerSecond,
            double facesPerSecond,
            long matchesLastMinute,
            long unknownsLastMinute,
            Instant lastFrameAt,
            String lastIngestRun,
            long lastFrameSequence,
            long facesTotal) {}

    private record Sample(Instant arrivedAt, String run, long sequence, Instant capturedAt) {}

    private static final class Camera {
        final ArrayDeque<Sample> faces = new ArrayDeque<>();
        final ArrayDeque<Instant> matches = new ArrayDeque<>();
        final ArrayDeque<Instant> unknowns = new ArrayDeque<>();
        Instant lastFrameAt;
        String lastRun;
        long lastSequence = -1;
        long facesTotal;
        Instant lastArrival;
        long lastTouch;
    }

    /**
     * @param maxCameras most cameras kept
     * @param staleAfter a camera nothing arrived from for this long is forgotten
     */
    public CameraStats(Clock clock, int maxCameras, Duration staleAfter) {
        if (maxCameras < 1) {
            throw new IllegalArgumentException("expected maxCameras >= 1, found " + maxCameras);
        }
        this.clock = clock;
        this.maxCameras = maxCameras;
        this.staleAfter = staleAfter;
    }

    public CameraStats(Clock clock) {
        this(clock, MAX_CAMERAS, STALE_AFTER);
    }

    public CameraStats() {
        this(Clock.systemUTC());
    }

    /** One face observation of {@code cameraId}'s frame {@code sequence} of ingest run {@code run} (or null). */
    public synchronized void observation(String cameraId, String run, long sequence, Instant capturedAt) {
        Instant now = clock.instant();
        Camera c = camera(cameraId, capturedAt, now);
        if (c == null) {
            return;
        }
        c.faces.addLast(new Sample(now, run, sequence, capturedAt));
        if (c.faces.size() > MAX_SAMPLES) {
            c.faces.removeFirst();
        }
        c.facesTotal++;
        frameSeen(c, run, sequence, capturedAt);
        evict(c, now);
    }

    /** One identity event of {@code cameraId}'s frame {@code sequence} of ingest run {@code run} (or null). */
    public synchronized void decision(String cameraId, String run, long sequence, Instant capturedAt, boolean match) {
        Instant now = clock.instant();
        Camera c = camera(cameraId, capturedAt, now);
        if (c == null) {
            return;
        }
        ArrayDeque<Instant> decisions = match ? c.matches : c.unknowns;
        decisions.addLast(now);
        if (decisions.size() > MAX_SAMPLES) {
            decisions.removeFirst();
        }
        frameSeen(c, run, sequence, capturedAt);
        evict(c, now);
    }

    /** The camera a record arriving now belongs to, made room for when new; null when the record is ignored. */
    private Camera camera(String cameraId, Instant capturedAt, Instant now) {
        if (capturedAt.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            ignoredFuture++;
            return null;
        }
        Camera c = cameras.get(cameraId);
        if (c == null) {
            forgetStale(now);
            if (cameras.size() >= maxCameras) {
                cameras.entrySet().stream()
                        .min(Map.Entry.comparingByValue(Comparator.comparingLong((Camera k) -> k.lastTouch)))
                        .ifPresent(e -> cameras.remove(e.getKey()));
            }
            c = new Camera();
            cameras.put(cameraId, c);
        }
        c.lastArrival = now;
        c.lastTouch = ++touches;
        return c;
    }

    private void forgetStale(Instant now) {
        Instant cutoff = now.minus(staleAfter);
        cameras.values().removeIf(c -> c.lastArrival.isBefore(cutoff));
    }

    /** Records ignored for a capture time more than {@link #MAX_CLOCK_AHEAD} ahead of this clock. */
    public synchronized long ignoredFromTheFuture() {
        return ignoredFuture;
    }

    private static void frameSeen(Camera c, String run, long sequence, Instant capturedAt) {
        if (c.lastFrameAt == null
                || capturedAt.isAfter(c.lastFrameAt)
                || (capturedAt.equals(c.lastFrameAt) && Objects.equals(run, c.lastRun) && sequence > c.lastSequence)) {
            c.lastRun = run;
            c.lastSequence = sequence;
            c.lastFrameAt = capturedAt;
        }
    }

    private static void evict(Camera c, Instant now) {
        Instant from = now.minus(WINDOW);
        c.faces.removeIf(s -> s.capturedAt().isBefore(from));
        while (!c.matches.isEmpty() && c.matches.peekFirst().isBefore(from)) {
            c.matches.removeFirst();
        }
        while (!c.unknowns.isEmpty() && c.unknowns.peekFirst().isBefore(from)) {
            c.unknowns.removeFirst();
        }
    }

    /** Every camera heard from within {@link #STALE_AFTER}, by id. */
    public synchronized List<Snapshot> snapshot() {
        Instant now = clock.instant();
        forgetStale(now);
        List<Snapshot> out = new ArrayList<>();
        cameras.forEach((id, c) -> {
            evict(c, now);
            double facesPerSecond = 0;
            double framesPerSecond = 0;
            if (!c.faces.isEmpty()) {
                // over the capture time the window actually covers, so neither the first minute nor events read back
                // at start-up (all arriving at once) distort the rate
                Instant earliest = c.faces.stream()
                        .map(Sample::capturedAt)
                        .min(Instant::compareTo)
                        .orElse(now);
                double covered = Math.max(
                        1.0,
                        Math.min(
                                        WINDOW.toMillis(),
                                        Duration.between(earliest, now).toMillis())
                                / 1000.0);
                facesPerSecond = c.faces.size() / covered;
                long minSeq = Long.MAX_VALUE;
                long maxSeq = Long.MIN_VALUE;
                Instant minAt = null;
                Instant maxAt = null;
                for (Sample s : c.faces) {
                    if (!Objects.equals(s.run(), c.lastRun)) {
                        continue; // another run's sequences count from another 0
                    }
                    if (s.sequence() < minSeq) {
                        minSeq = s.sequence();
                        minAt = s.capturedAt();
                    }
                    if (s.sequence() > maxSeq) {
                        maxSeq = s.sequence();
                        maxAt = s.capturedAt();
                    }
                }
                double span = minAt == null ? 0 : Duration.between(minAt, maxAt).toMillis() / 1000.0;
                framesPerSecond = maxSeq > minSeq && span > 0 ? (maxSeq - minSeq) / span : 0;
            }
            out.add(new Snapshot(
                    id,
                    round2(framesPerSecond),
                    round2(facesPerSecond),
                    c.matches.size(),
                    c.unknowns.size(),
                    c.lastFrameAt,
                    c.lastRun,
                    c.lastSequence,
                    c.facesTotal));
        });
        return out;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

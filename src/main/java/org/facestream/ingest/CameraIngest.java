package org.facestream.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.facestream.config.IngestSettings;
import org.facestream.events.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's ingest: source, then rate sampler (and pacing for real-time files), then the
 * {@link LatestFrameHandoff}, then JPEG encoding and the Kafka producer on a second thread, so decoding
 * never waits on the network and the network never sees a backlog of stale frames.
 *
 * <p>{@link #run()} grabs on the calling thread and returns when a finite source ends (a file without
 * loop, a folder), after every sampled frame is acknowledged or counted as failed. {@link #close()}
 * stops a run from any thread. The ingest owns the source and the producer and closes both; it runs once.
 *
 * <p>Handoff policy: a file or folder processed as fast as possible blocks (nothing is lost); a live
 * camera or a real-time file drops the oldest waiting frame (latency stays bounded).
 */
public final class CameraIngest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CameraIngest.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final IngestSettings settings;
    private final FrameSource source;
    private final FrameProducer producer;
    private final JpegFrameEncoder encoder;
    private final LatestFrameHandoff<SampledFrame> handoff;
    /** This ingest's run: frame sequences restart at 0 with every ingest, so ids carry the run too. */
    private final String ingestRun = Frame.newIngestRun();

    private final AtomicLong grabbed = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong encodeFailures = new AtomicLong();
    private final AtomicLong grabNanos = new AtomicLong();
    private final AtomicLong encodeNanos = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean started;
    /** True while the runner is in the grab loop: the only phase where close() may interrupt it. */
    private boolean grabbing;

    private volatile Thread runner;
    private volatile long startNanos;
    private volatile long decodeErrors;
    private volatile long sourcePassedOver;

    /** A sampled picture on its way to the produce thread. */
    private record SampledFrame(GrabbedFrame frame, long sequence, Instant capturedAt) implements AutoCloseable {
        @Override
        public void close() {
            frame.close();
        }
    }

    public CameraIngest(IngestSettings settings, FrameSource source, FrameProducer producer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.source = Objects.requireNonNull(source, "source");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.encoder = new JpegFrameEncoder(settings.jpegQuality(), settings.maxSide());
        source.scaleTo(settings.maxSide());
        boolean keepEverything = source.timeline() != FrameSource.Timeline.LIVE && !settings.realtime();
        this.handoff = new LatestFrameHandoff<>(
                settings.handoffCapacity(),
                keepEverything ? LatestFrameHandoff.Mode.BLOCK : LatestFrameHandoff.Mode.DROP_OLDEST,
                SampledFrame::close);
    }

    /** Opens {@code uri} (see {@link FrameSources#open}) and a producer to {@code bootstrap}. */
    public static CameraIngest open(String uri, String bootstrap, IngestSettings settings) {
        return open(uri, Map.of(), bootstrap, settings);
    }

    /** As {@link #open(String, String, IngestSettings)}, with Kafka client settings (TLS, SASL, ...). */
    public static CameraIngest open(
            String uri, Map<String, Object> clientSettings, String bootstrap, IngestSettings settings) {
        FrameSource source = FrameSources.open(uri, settings.loop(), RtspSource.Settings.DEFAULT, settings.fps());
        try {
            return new CameraIngest(
                    settings, source, FrameProducer.connect(clientSettings, bootstrap, settings.cameraId()));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Ingests until the source ends or {@link #close()} is called.
     *
     * @return the counters of the run
     * @throws IllegalStateException when called a second time
     * @throws SourceException when the source fails beyond recovery
     */
    public IngestSummary run() {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("expected a fresh ingest, found one that already ran");
            }
            started = true;
            grabbing = true;
            runner = Thread.currentThread();
        }
        startNanos = System.nanoTime();
        log.info(
                "{}: ingest run {}: ingesting {} at {} fps{}{} (handoff {} x{})",
                settings.cameraId(),
                ingestRun,
                source.description(),
                settings.fps() == 0 ? "every" : settings.fps(),
                settings.realtime() ? ", real time" : "",
                settings.loop() ? ", looping" : "",
                handoff.mode(),
                handoff.capacity());
        Thread sender =
                Thread.ofPlatform().name("ingest-send-" + settings.cameraId()).start(this::sendLoop);
        try {
            grabLoop();
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
        } finally {
            synchronized (this) {
                grabbing = false;
            }
            handoff.close();
            if (stopping) {
                handoff.discard();
            }
            boolean wasInterrupted = Thread.interrupted(); // the producer's flush must not see a stale interrupt
            joinQuietly(sender);
            decodeErrors = source.decodeErrors();
            sourcePassedOver = source.passedOver();
            source.close();
            producer.flush();
            producer.close();
            if (wasInterrupted && !stopping) {
                Thread.currentThread().interrupt();
            }
            finished.countDown();
        }
        IngestSummary summary = summary();
        log.info("{}: done: {}", settings.cameraId(), summary);
        return summary;
    }

    private void grabLoop() throws InterruptedException {
        FrameSampler sampler = new FrameSampler(settings.fps());
        FrameSource.Timeline timeline = source.timeline();
        if (timeline == FrameSource.Timeline.MEDIA) {
            source.sampleBy(sampler::wouldKeep); // pictures the sampler will drop are never converted
        }
        long sequence = 0;
        long paceOriginNanos = -1;
        long paceOriginMedia = 0;
        long lastProgress = System.nanoTime();
        while (!stopping) {
            long g0 = System.nanoTime();
            GrabbedFrame frame = source.next();
            grabNanos.addAndGet(System.nanoTime() - g0);
            if (frame == null) {
                log.info("{}: {} ended", settings.cameraId(), source.description());
                return;
            }
            grabbed.incrementAndGet();
            long now = System.nanoTime();
            long clock = switch (timeline) {
                case MEDIA -> frame.mediaTimeMillis();
                case LIVE -> TimeUnit.NANOSECONDS.toMillis(now);
                case STILLS -> -1;
            };
            if (timeline != FrameSource.Timeline.STILLS && !sampler.keep(clock)) {
                frame.close();
                continue;
            }
            if (settings.realtime()) {
                // Pace to media time (files) or to 1/fps per image (folders): the file behaves like a camera.
                long mediaMillis = timeline == FrameSource.Timeline.STILLS
                        ? (settings.fps() > 0 ? Math.round(sequence * 1000 / settings.fps()) : 0)
                        : frame.mediaTimeMillis();
                if (timeline != FrameSource.Timeline.LIVE) {
                    if (paceOriginNanos < 0) {
                        paceOriginNanos = now;
                        paceOriginMedia = mediaMillis;
                    }
                    long dueNanos = paceOriginNanos + TimeUnit.MILLISECONDS.toNanos(mediaMillis - paceOriginMedia);
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            frame.close();
                            throw e;
                        }
                    }
                }
            }
            sampled.incrementAndGet();
            long mediaTime = timeline == FrameSource.Timeline.MEDIA ? frame.mediaTimeMillis() : -1;
            var item = new SampledFrame(new GrabbedFrame(frame.image(), mediaTime), sequence++, Instant.now());
            boolean taken;
            try {
                taken = handoff.put(item);
            } catch (InterruptedException e) {
                item.close();
                throw e;
            }
            if (!taken) {
                item.close();
                return;
            }
            if (System.nanoTime() - lastProgress > PROGRESS_LOG_NANOS) {
                lastProgress = System.nanoTime();
                log.info("{}: {}", settings.cameraId(), summary());
            }
        }
    }

    private void sendLoop() {
        try {
            while (!handoff.isDrained()) {
                SampledFrame item = handoff.poll(POLL);
                if (item == null) {
                    continue;
                }
                try (item) {
                    long e0 = System.nanoTime();
                    Frame frame = encoder.encode(
                            settings.cameraId(),
                            ingestRun,
                            item.sequence(),
                            item.capturedAt(),
                            item.frame().mediaTimeMillis(),
                            item.frame().image());
                    encodeNanos.addAndGet(System.nanoTime() - e0);
                    producer.send(frame);
                } catch (RuntimeException e) {
                    // a frame OpenCV cannot encode is data, not a reason to stop the camera
                    long n = encodeFailures.incrementAndGet();
                    log.warn(
                            "{}: frame {} failed to encode ({} so far): {}",
                            settings.cameraId(),
                            item.sequence(),
                            n,
                            e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handoff.discard();
        }
    }

    /** The counters so far (final once {@link #run()} has returned). */
    public IngestSummary summary() {
        long start = startNanos;
        Duration elapsed = start == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        long errors = finished.getCount() == 0 ? decodeErrors : source.decodeErrors();
        long passedOver = finished.getCount() == 0 ? sourcePassedOver : source.passedOver();
        return new IngestSummary(
                grabbed.get() + passedOver,
                sampled.get(),
                producer.sent(),
                handoff.dropped(),
                errors,
                producer.failed() + encodeFailures.get(),
                elapsed,
                Duration.ofNanos(grabNanos.get()),
                Duration.ofNanos(encodeNanos.get()));
    }

    /** Failed attempts to connect to a live camera (at start or after a drop); 0 for files and folders. */
    public long connectFailures() {
        return source.connectFailures();
    }

    /** The ingest run id every frame of this ingest carries ({@link Frame#ingestRun()}). */
    public String ingestRun() {
        return ingestRun;
    }

    /** The handoff policy chosen for this source and settings. */
    public LatestFrameHandoff.Mode handoffMode() {
        return handoff.mode();
    }

    /**
     * Stops the run (if any) at the next frame and waits up to 30 s for it to wind down; frames still
     * waiting in the handoff are discarded. Idempotent.
     */
    @Override
    public void close() {
        stopping = true;
        handoff.close();
        Thread t;
        synchronized (this) {
            t = runner;
            if (!started) {
                started = true; // a later run() is refused
                source.close();
                producer.close();
                finished.countDown();
                return;
            }
            if (grabbing && t != Thread.currentThread()) {
                t.interrupt(); // ends a pacing sleep, a blocked handoff or an RTSP backoff; FFmpeg reads end by timeout
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!finished.await(30, TimeUnit.SECONDS)) {
                    log.warn("{}: ingest did not stop within 30 s", settings.cameraId());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.facestream.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.WorkerConfig;
import org.facestream.events.FaceQuality;
import org.facestream.events.FaceTrack;
import org.facestream.events.Frame;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.AlignedFace;
import org.facestream.vision.AnalyzedFace;
import org.facestream.vision.FaceAnalyzer;
import org.opencv.core.Mat;

/**
 * What a vision worker does with the decoded frames of one poll, camera by camera: the motion gate
 * ({@link MotionGate}) decides whether a frame is detected at all, and tells a scene cut (which ends every track
 * of the camera) from motion; with best shots, only every {@code worker.detect.every}-th frame of a camera (and
 * every scene cut) is detected, the tracker's constant-velocity prediction carrying tracks across the frames
 * between, as DeepStream's inference interval does: detection is the worker's largest cost per frame; detections are associated with the camera's
 * tracks ({@link FaceTracker}); faces that pass the quality gate are numbered in detector order (their
 * observation's face index, the same in every mode); of those, every face ({@code worker.embed=every-face}) or
 * only a track's best shots ({@link BestShot}) are aligned and embedded, the faces of all frames of the poll in
 * one batch, so an execution provider that gains from batches (CUDA) embeds across cameras.
 *
 * <p>The per-camera state (tracks, the motion gate's reference) changes only when a whole call succeeds, so a
 * batch that fails and is retried frame by frame ({@link BatchFallback}) counts each frame once; {@link
 * #snapshot()} and {@link #restore} let the worker undo the calls of an aborted transaction, and {@link #forget}
 * drops the cameras of partitions it no longer owns (a rebalance starts new tracks there). Not thread-safe: one
 * worker thread.
 */
final class FrameAnalysis {
    /** A camera silent for this long is forgotten (its tracks ended long ago). */
    private static final long IDLE_CAMERA_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** A decoded frame of the poll and the partition it came from. */
    record Input(Frame frame, Mat image, int partition) {}

    /**
     * A face to observe.
     *
     * @param face the embedded face
     * @param faceIndex its index among the frame's faces that passed the quality gate, in detector order
     * @param track its track (null when the worker does not track)
     */
    record Observed(AnalyzedFace face, int faceIndex, FaceTrack track) {}

    /**
     * What became of one frame.
     *
     * @param observed the faces to observe, by face index
     * @param seen faces detected (at the detector's score threshold), embedded or not
     * @param skipped whether the motion gate skipped its detection
     * @param started tracks the frame started
     * @param cut whether the frame was a scene cut that ended the camera's tracks
     */
    record Result(List<Observed> observed, int seen, boolean skipped, int started, boolean cut) {}

    /**
     * The state of one camera: its live tracks, the motion gate's reference, its partition, and how many of its
     * frames went undetected since the last detected one (the detection interval counts frames, not sequence
     * numbers, which a lagging ingest leaves gaps in).
     */
    record CameraState(
            FaceTracker.Tracks tracks,
            MotionGate.State motion,
            int partition,
            long lastFrameNanos,
            int undetectedSince) {}

    private final FaceAnalyzer analyzer;
    private final AnalysisSettings settings;
    private final FaceQuality.Gate gate;
    private final FaceTracker tracker;
    private final BestShot bestShot;
    private final MotionGate motionGate;
    private Map<String, CameraState> cameras = new HashMap<>();

    private final LongAdder facesSeen;
    private final LongAdder facesEmbedded;
    private final LongAdder detectionsSkipped;
    private final LongAdder tracksStarted;
    private final LongAdder sceneCuts;
    private final LatencyHistogram motionLatency;
    private final LatencyHistogram trackLatency;
    private final MetricsRegistry metrics;

    FrameAnalysis(FaceAnalyzer analyzer, WorkerConfig config, MetricsRegistry metrics) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.settings = config.analysis();
        this.gate = config.quality();
        this.tracker = new FaceTracker(
                new FaceTracker.Settings(settings.detectorScore(), settings.trackMinIoU(), settings.trackMaxGap()));
        this.bestShot = new BestShot(settings.bestShotMinGain(), settings.bestShotInterval());
        this.motionGate = new MotionGate(settings.motionMinChanged(), settings.motionMaxSkip());
        this.metrics = metrics;
        this.facesSeen =
                metrics.counter("worker_faces_seen_total", "Faces the vision workers detected, embedded or not");
        this.facesEmbedded = metrics.counter("worker_faces_embedded_total", "Faces the vision workers embedded");
        this.detectionsSkipped = metrics.counter(
                "worker_detections_skipped_total",
                "Frames whose detection was skipped (nothing moved, or between interval detections)");
        this.tracksStarted = metrics.counter("worker_tracks_started_total", "Face tracks the vision workers started");
        this.sceneCuts = metrics.counter(
                "worker_scene_cuts_total", "Frames that ended every track of their camera (scene cuts)");
        this.motionLatency = stage(metrics, "motion");
        this.trackLatency = stage(metrics, "track");
    }

    /**
     * Analyses frames in poll order (a camera's frames in capture order) and, when every frame succeeded, keeps
     * the cameras' new state.
     *
     * @return one result per frame, in order
     */
    List<Result> analyze(List<Input> frames) {
        Map<String, CameraState> work = new HashMap<>(cameras);
        long now = System.nanoTime();
        // 1. the motion gate, frame by frame (a camera's frames in order): which frames are detected, which cut
        List<Gated> gated = new ArrayList<>(frames.size());
        List<Mat> toDetect = new ArrayList<>();
        for (Input in : frames) {
            Frame frame = in.frame();
            CameraState state = work.get(frame.cameraId());
            FaceTracker.Tracks tracks = state == null ? FaceTracker.Tracks.NONE : state.tracks();
            long m0 = System.nanoTime();
            MotionGate.Verdict v = motionGate.judge(
                    state == null ? null : state.motion(), in.image(), frame.capturedAt(), settings.motionGate());
            motionLatency.recordMicros((System.nanoTime() - m0) / 1000.0);
            boolean cut = v.detect() && v.correlation() < settings.cutCorrelation();
            // between interval detections a frame is skipped like one without motion (the reference stays the last
            // detected frame); a scene cut and a camera's first frame are always detected
            boolean between = state != null && !cut && state.undetectedSince() + 1 < detectEvery();
            boolean detect = v.detect() && !between;
            work.put(
                    frame.cameraId(),
                    new CameraState(
                            tracks,
                            detect ? v.next() : state.motion(),
                            in.partition(),
                            now,
                            detect ? 0 : state.undetectedSince() + 1));
            gated.add(new Gated(detect, cut, detect ? toDetect.size() : -1));
            if (detect) {
                toDetect.add(in.image());
            }
        }
        // 2. detection, the frames of every camera of the poll together (batched where that pays)
        var detections = analyzer.detect(toDetect);
        // 3. tracking and the choice of what to embed, frame by frame
        List<AlignedFace> toEmbed = new ArrayList<>();
        List<List<Pending>> pending = new ArrayList<>(frames.size());
        List<Result> results = new ArrayList<>(frames.size());
        try {
            for (int f = 0; f < frames.size(); f++) {
                List<Pending> mine = new ArrayList<>();
                pending.add(mine);
                Gated g = gated.get(f);
                if (!g.detect()) {
                    results.add(new Result(List.of(), 0, true, 0, false));
                    continue;
                }
                Input in = frames.get(f);
                Frame frame = in.frame();
                Instant at = frame.capturedAt();
                var faces = detections.get(g.detection());
                CameraState state = work.get(frame.cameraId());
                // a new scene: no face in it continues a track of the old one
                boolean cut = g.cut() && !state.tracks().live().isEmpty();
                FaceTracker.Tracks tracks = cut ? FaceTracker.Tracks.NONE : state.tracks();
                long t0 = System.nanoTime();
                List<FaceTracker.Detection> boxes = new ArrayList<>(faces.size());
                for (var face : faces) {
                    boxes.add(new FaceTracker.Detection(face.box(), face.score()));
                }
                FaceTracker.Update update =
                        tracker.update(tracks, frame.cameraId(), frame.ingestRun(), frame.sequence(), at, boxes);
                trackLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
                tracks = update.next();
                int seen = 0;
                int faceIndex = 0;
                for (int d = 0; d < faces.size(); d++) {
                    if (boxes.get(d).score() < settings.detectorScore()) {
                        continue; // a weak detection: it only kept a track alive
                    }
                    seen++;
                    AlignedFace aligned = analyzer.align(in.image(), faces.get(d));
                    String refusal = aligned.quality(0).refusal(gate);
                    if (refusal != null) {
                        aligned.close();
                        metrics.counter(
                                        "worker_faces_dropped_total",
                                        "Faces dropped for quality",
                                        MetricsRegistry.label("reason", refusal))
                                .increment();
                        continue;
                    }
                    int index = faceIndex++;
                    int t = update.trackOf(d);
                    FaceTracker.Track track = tracks.live().get(t);
                    double quality = BestShot.quality(aligned);
                    FaceTrack.Reason reason = settings.embed() == AnalysisSettings.Embed.EVERY_FACE
                            ? FaceTrack.Reason.EVERY_FACE
                            : bestShot.decide(track, quality, at);
                    if (reason == null) {
                        aligned.close();
                        continue;
                    }
                    track = track.withShot(quality, at);
                    tracks = tracks.with(t, track);
                    toEmbed.add(analyzer.refine(in.image(), aligned));
                    mine.add(new Pending(
                            index,
                            toEmbed.size() - 1,
                            new FaceTrack(
                                    track.id(),
                                    track.firstSeen(),
                                    track.faces(),
                                    track.shots(),
                                    reason,
                                    clamp01(quality))));
                }
                work.put(
                        frame.cameraId(),
                        new CameraState(
                                tracks,
                                state.motion(),
                                in.partition(),
                                state.lastFrameNanos(),
                                state.undetectedSince()));
                results.add(new Result(List.of(), seen, false, update.started(), cut));
            }
            // 4. embedding, the chosen faces of every frame together
            List<AnalyzedFace> embedded = analyzer.embed(toEmbed);
            List<Result> out = new ArrayList<>(frames.size());
            for (int f = 0; f < frames.size(); f++) {
                List<Observed> observed = new ArrayList<>();
                for (Pending p : pending.get(f)) {
                    observed.add(new Observed(embedded.get(p.embedIndex()), p.faceIndex(), p.track()));
                }
                Result r = results.get(f);
                out.add(new Result(List.copyOf(observed), r.seen(), r.skipped(), r.started(), r.cut()));
            }
            commit(work, results, toEmbed.size(), now);
            return out;
        } finally {
            toEmbed.forEach(AlignedFace::close);
        }
    }

    private void commit(Map<String, CameraState> work, List<Result> results, int embedded, long now) {
        work.values().removeIf(s -> now - s.lastFrameNanos() > IDLE_CAMERA_NANOS);
        cameras = work;
        for (Result r : results) {
            facesSeen.add(r.seen());
            if (r.skipped()) {
                detectionsSkipped.increment();
            }
            tracksStarted.add(r.started());
            if (r.cut()) {
                sceneCuts.increment();
            }
        }
        facesEmbedded.add(embedded);
    }

    /** The cameras' state now, to {@link #restore} when a transaction is aborted. */
    Map<String, CameraState> snapshot() {
        return Map.copyOf(cameras);
    }

    /** Returns the cameras to an earlier {@link #snapshot()}. */
    void restore(Map<String, CameraState> snapshot) {
        cameras = new HashMap<>(snapshot);
    }

    /** Forgets the cameras of {@code partitions}: their next frames start new tracks. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            cameras.values().removeIf(s -> s.partition() == tp.partition());
        }
    }

    /** Cameras with state. */
    int cameras() {
        return cameras.size();
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** Frames per detection: {@code worker.detect.every} with best shots, every frame in every-face mode. */
    private int detectEvery() {
        return settings.embed() == AnalysisSettings.Embed.EVERY_FACE ? 1 : settings.detectEvery();
    }

    private static LatencyHistogram stage(MetricsRegistry metrics, String name) {
        return metrics.histogram(
                "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", name));
    }

    /** A face chosen for embedding: its face index, its place in the batch, its track. */
    private record Pending(int faceIndex, int embedIndex, FaceTrack track) {}

    /** The motion gate's answer for a frame: detect it (the index of its detections), and is it a cut. */
    private record Gated(boolean detect, boolean cut, int detection) {}
}

package org.facestream.match.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.FaceTrack;

/**
 * Fuses the embedded faces of each worker track into the evidence a decision is made on. The vision worker
 * follows each camera's faces across frames ({@link FaceTrack} on every observation) and embeds a track's best
 * shots; the matcher does not associate faces again: an observation joins the stored track with its {@link
 * FaceTrack#trackId()}, or starts it. A track's embeddings are fused weighted by quality (detector score times
 * a size factor saturating at {@code fullWeightInterOcularPx}), because one sharp frontal face says more than
 * several blurred ones. A track is decided when it starts and again whenever its evidence has grown by {@code
 * redecideGrowth} since the last decision.
 *
 * <p>A stored track the worker has not mentioned for longer than {@code retention} (capture time) is dropped;
 * the retention must exceed the worker's re-embedding interval ({@code worker.bestshot.interval.ms}), or a
 * long-lived track is forgotten between its shots. A track whose stored state is gone (dropped, or the matcher
 * never saw its first shot) is decided at once, as a later decision when the worker's shot number says it is
 * not the track's first.
 *
 * <p>Pure and thread-safe: the camera's state ({@link CameraTracks}) goes in and the next state comes out, so
 * the matcher keeps it in a changelogged store and a restarted instance continues every track.
 *
 * @see Fusion
 */
public final class TrackFusion {
    /**
     * Settings.
     *
     * @param retention a track with no observation for longer than this (capture time) is dropped
     * @param redecideGrowth re-decide when evidence reaches this multiple of the evidence at the last decision (> 1)
     * @param fullWeightInterOcularPx eye distance at which a face gets its full weight
     */
    public record Config(Duration retention, double redecideGrowth, double fullWeightInterOcularPx) {
        public Config {
            if (retention == null || retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("expected a positive retention, found " + retention);
            }
            if (!(redecideGrowth > 1)) {
                throw new IllegalArgumentException("expected redecideGrowth above 1, found " + redecideGrowth);
            }
            if (!(fullWeightInterOcularPx > 0)) {
                throw new IllegalArgumentException(
                        "expected a positive fullWeightInterOcularPx, found " + fullWeightInterOcularPx);
            }
        }

        /**
         * Retention 10 s (twice the worker's default re-embedding interval), re-decide at 2x evidence, full weight
         * at 40 px between the eyes.
         */
        public static Config defaults() {
            return new Config(Duration.ofSeconds(10), 2.0, 40);
        }
    }

    /**
     * What a face did to its track.
     *
     * @param next the camera's state after the face
     * @param track the face's track after adding it
     * @param started whether the face started the stored track
     * @param decide whether the track should be (re-)decided now, with {@link Track#fused()} as the probe
     * @param decision the ordinal of that decision (1 = the track's first), or the last one's when not deciding
     */
    public record Fusion(CameraTracks next, Track track, boolean started, boolean decide, int decision) {}

    private final Config cfg;

    public TrackFusion(Config cfg) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
    }

    public Config config() {
        return cfg;
    }

    /** Quality weight of a face in (0, 1]. */
    public double weight(FaceQuality q) {
        double size = Math.min(1, Math.max(0.05, q.interOcularPx() / cfg.fullWeightInterOcularPx()));
        return Math.max(1e-3, q.detectorScore()) * size;
    }

    /**
     * Adds a face to its worker track; faces must arrive in capture order per camera (as they do on a
     * camera-keyed partition). Tracks silent for longer than {@link Config#retention()} are dropped first.
     *
     * @throws IllegalArgumentException for an observation without a track, or an all-zero embedding
     */
    public Fusion fuse(CameraTracks state, FaceObservation o) {
        FaceTrack ft = o.track();
        if (ft == null) {
            throw new IllegalArgumentException(
                    "expected an observation with a track, found none on " + o.observationId());
        }
        List<CameraTracks.TrackState> tracks = new ArrayList<>();
        for (CameraTracks.TrackState t : state.tracks()) {
            if (Duration.between(t.track().lastSeen(), o.capturedAt()).compareTo(cfg.retention()) <= 0) {
                tracks.add(t);
            }
        }
        float[] e = o.embedding();
        double norm = 0;
        for (float v : e) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 0)) {
            throw new IllegalArgumentException(
                    "expected a non-zero embedding, found all zeros on " + o.observationId());
        }
        int found = -1;
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i).track();
            // same id and same start: an ingest restart that reuses frame numbers makes another track
            if (t.trackId().equals(ft.trackId())
                    && t.firstSeen().equals(ft.firstSeen())
                    && t.fused().length == e.length) {
                found = i;
            }
        }
        double w = weight(o.quality());
        boolean started = found < 0;
        CameraTracks.TrackState previous = started ? null : tracks.get(found);
        double[] sum = new double[e.length];
        if (previous != null) {
            float[] fused = previous.track().fused();
            for (int i = 0; i < e.length; i++) {
                sum[i] = fused[i] * previous.sumNorm();
            }
        }
        for (int i = 0; i < e.length; i++) {
            sum[i] += w * e[i] / norm;
        }
        double sumNorm = norm(sum);
        Track prior = previous == null ? null : previous.track();
        Track track = new Track(
                ft.trackId(),
                o.cameraId(),
                o.box(),
                normalise(sum, sumNorm),
                (started ? 0 : prior.evidence()) + w,
                (started ? 0 : prior.observations()) + 1,
                ft.firstSeen(),
                o.capturedAt(),
                o.observationId());
        boolean decide = started || track.evidence() >= cfg.redecideGrowth() * previous.evidenceAtDecision();
        // a track the matcher holds no state of, whose worker shot is not its first, was decided before
        int before = started ? (ft.shot() > 1 ? 1 : 0) : previous.decisions();
        int decisions = before + (decide ? 1 : 0);
        CameraTracks.TrackState next = new CameraTracks.TrackState(
                track, sumNorm, decide ? track.evidence() : previous.evidenceAtDecision(), decisions);
        if (started) {
            tracks.add(next);
        } else {
            tracks.set(found, next);
        }
        long startedTracks = state.startedTracks() + (started ? 1 : 0);
        return new Fusion(new CameraTracks(tracks, startedTracks), track, started, decide, decisions);
    }

    private static double norm(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        return Math.sqrt(n);
    }

    private static float[] normalise(double[] v, double n) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }
}

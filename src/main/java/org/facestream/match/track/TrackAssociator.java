package org.facestream.match.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;

/**
 * Associates each camera's faces across frames into {@link Track}s: a face joins the active track of its
 * camera whose last box overlaps it (IoU) and whose fused embedding resembles it (cosine); otherwise it
 * starts a new track. A track's embeddings are fused weighted by quality (detector score times a size
 * factor, saturating at {@code fullWeightInterOcularPx}), because one sharp frontal face says more than
 * several blurred ones. A track is decided once when it starts and again whenever its evidence has grown by
 * {@code redecideGrowth} since the last decision: the decision improves as evidence accumulates without an
 * identity event per frame.
 *
 * <p>Pure and thread-safe: the camera's state ({@link CameraTracks}) goes in and the next state comes out, so
 * the matcher keeps it in a changelogged store and a restarted instance continues every track.
 *
 * @see Association
 */
public final class TrackAssociator {
    /**
     * Settings.
     *
     * @param minIoU least box overlap with the track's last box, in (0, 1]
     * @param minCosine least cosine to the track's fused embedding, in [-1, 1]
     * @param maxGap a track with no face for longer than this (capture time) ends
     * @param redecideGrowth re-decide when evidence reaches this multiple of the evidence at the last decision (> 1)
     * @param fullWeightInterOcularPx eye distance at which a face gets its full weight
     */
    public record Config(
            double minIoU, double minCosine, Duration maxGap, double redecideGrowth, double fullWeightInterOcularPx) {
        public Config {
            if (!(minIoU > 0 && minIoU <= 1)) {
                throw new IllegalArgumentException("expected minIoU in (0, 1], found " + minIoU);
            }
            if (!(minCosine >= -1 && minCosine <= 1)) {
                throw new IllegalArgumentException("expected minCosine in [-1, 1], found " + minCosine);
            }
            if (maxGap == null || maxGap.isNegative() || maxGap.isZero()) {
                throw new IllegalArgumentException("expected a positive maxGap, found " + maxGap);
            }
            if (!(redecideGrowth > 1)) {
                throw new IllegalArgumentException("expected redecideGrowth above 1, found " + redecideGrowth);
            }
            if (!(fullWeightInterOcularPx > 0)) {
                throw new IllegalArgumentException(
                        "expected a positive fullWeightInterOcularPx, found " + fullWeightInterOcularPx);
            }
        }

        /** IoU 0.3, cosine 0.4, gap 2 s, re-decide at 2x evidence, full weight at 40 px between the eyes. */
        public static Config defaults() {
            return new Config(0.3, 0.4, Duration.ofSeconds(2), 2.0, 40);
        }
    }

    /**
     * Where a face went.
     *
     * @param next the camera's state after the face
     * @param track the face's track after adding it
     * @param started whether the face started the track
     * @param decide whether the track should be (re-)decided now, with {@link Track#fused()} as the probe
     * @param decision the ordinal of that decision (1 = the track's first), or the last one's when not deciding
     */
    public record Association(CameraTracks next, Track track, boolean started, boolean decide, int decision) {}

    private final Config cfg;

    public TrackAssociator(Config cfg) {
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
     * Adds a face to its camera's state; faces must arrive in capture order per camera (as they do on a
     * camera-keyed partition). Tracks without a face for longer than {@link Config#maxGap()} end first.
     *
     * @throws IllegalArgumentException for an all-zero embedding
     */
    public Association associate(CameraTracks state, FaceObservation o) {
        List<CameraTracks.TrackState> tracks = new ArrayList<>();
        for (CameraTracks.TrackState t : state.tracks()) {
            if (Duration.between(t.track().lastSeen(), o.capturedAt()).compareTo(cfg.maxGap()) <= 0) {
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
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i).track();
            if (t.fused().length != e.length) {
                continue;
            }
            double iou = t.box().iou(o.box());
            double cos = cosine(t.fused(), e, norm);
            if (iou >= cfg.minIoU()
                    && cos >= cfg.minCosine()
                    && iou + cos > bestScore
                    && !t.lastSeen().equals(o.capturedAt())) { // two faces of one frame are two people
                best = i;
                bestScore = iou + cos;
            }
        }
        double w = weight(o.quality());
        boolean started = best < 0;
        long startedTracks = state.startedTracks() + (started ? 1 : 0);
        double[] sum = new double[e.length];
        CameraTracks.TrackState previous = started ? null : tracks.get(best);
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
                started ? o.cameraId() + "/t" + startedTracks : prior.trackId(),
                o.cameraId(),
                o.box(),
                normalise(sum, sumNorm),
                (started ? 0 : prior.evidence()) + w,
                (started ? 0 : prior.observations()) + 1,
                started ? o.capturedAt() : prior.firstSeen(),
                o.capturedAt(),
                o.observationId());
        boolean decide = started || track.evidence() >= cfg.redecideGrowth() * previous.evidenceAtDecision();
        int decisions = (previous == null ? 0 : previous.decisions()) + (decide ? 1 : 0);
        CameraTracks.TrackState next = new CameraTracks.TrackState(
                track, sumNorm, decide ? track.evidence() : previous.evidenceAtDecision(), decisions);
        if (started) {
            tracks.add(next);
        } else {
            tracks.set(best, next);
        }
        return new Association(new CameraTracks(tracks, startedTracks), track, started, decide, decisions);
    }

    private static double cosine(float[] unit, float[] e, double norm) {
        double dot = 0;
        for (int i = 0; i < e.length; i++) {
            dot += unit[i] * e[i];
        }
        return dot / norm;
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

package org.facestream.match;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Not thread-safe: one instance per stream task (cameras are partition keys, so a camera's faces all
 * reach the same task).
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
  public record Config(double minIoU, double minCosine, Duration maxGap, double redecideGrowth, double fullWeightInterOcularPx) {
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
        throw new IllegalArgumentException("expected a positive fullWeightInterOcularPx, found " + fullWeightInterOcularPx);
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
   * @param track the track after adding the face
   * @param started whether the face started the track
   * @param decide whether the track should be (re-)decided now, with {@link Track#fused()} as the probe
   */
  public record Association(Track track, boolean started, boolean decide) {}

  private static final class State {
    Track track;
    double[] sum;
    double evidenceAtDecision;
  }

  private final Config cfg;
  private final Map<String, List<State>> byCamera = new HashMap<>();
  private long nextId;

  public TrackAssociator(Config cfg) {
    this.cfg = cfg;
  }

  /** Quality weight of a face in (0, 1]. */
  public double weight(FaceQuality q) {
    double size = Math.min(1, Math.max(0.05, q.interOcularPx() / cfg.fullWeightInterOcularPx()));
    return Math.max(1e-3, q.detectorScore()) * size;
  }

  /** Adds a face; faces must arrive in capture order per camera (as they do on a camera-keyed partition). */
  public Association associate(FaceObservation o) {
    List<State> tracks = byCamera.computeIfAbsent(o.cameraId(), c -> new ArrayList<>());
    tracks.removeIf(s -> Duration.between(s.track.lastSeen(), o.capturedAt()).compareTo(cfg.maxGap()) > 0);
    float[] e = o.embedding();
    double norm = 0;
    for (float v : e) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      throw new IllegalArgumentException("expected a non-zero embedding, found all zeros on " + o.observationId());
    }
    State best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (State s : tracks) {
      if (s.sum.length != e.length) {
        continue;
      }
      double iou = s.track.box().iou(o.box());
      double cos = cosine(s.track.fused(), e, norm);
      if (iou >= cfg.minIoU() && cos >= cfg.minCosine() && iou + cos > bestScore
          && !s.track.lastSeen().equals(o.capturedAt())) { // two faces of one frame are two people
        best = s;
        bestScore = iou + cos;
      }
    }
    double w = weight(o.quality());
    boolean started = best == null;
    if (started) {
      best = new State();
      best.sum = new double[e.length];
      tracks.add(best);
    }
    for (int i = 0; i < e.length; i++) {
      best.sum[i] += w * e[i] / norm;
    }
    Track previous = best.track;
    best.track = new Track(
        started ? o.cameraId() + "/t" + (++nextId) : previous.trackId(), o.cameraId(), o.box(), normalise(best.sum),
        (started ? 0 : previous.evidence()) + w, (started ? 0 : previous.observations()) + 1,
        started ? o.capturedAt() : previous.firstSeen(), o.capturedAt(), o.observationId());
    boolean decide = started || best.track.evidence() >= cfg.redecideGrowth() * best.evidenceAtDecision;
    if (decide) {
      best.evidenceAtDecision = best.track.evidence();
    }
    return new Association(best.track, started, decide);
  }

  /** Active tracks of a camera (those not yet expired by a later face of that camera). */
  public List<Track> activeTracks(String cameraId) {
    return byCamera.getOrDefault(cameraId, List.of()).stream().map(s -> s.track).toList();
  }

  private static double cosine(float[] unit, float[] e, double norm) {
    double dot = 0;
    for (int i = 0; i < e.length; i++) {
      dot += unit[i] * e[i];
    }
    return dot / norm;
  }

  private static float[] normalise(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / n);
    }
    return out;
  }
}

package org.facestream.match;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.Ranking;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.FpirThresholdEstimator;
import org.facestream.match.threshold.ThresholdState;

/**
 * Open-set evaluation over embeddings: streams probes (in a seeded order) through the same {@link
 * AdaptiveThreshold}, estimator and gallery search the matcher uses, and reports DIR at rank 1 and FPIR
 * for the adaptive policy, a fixed threshold and the oracle (the threshold that, in hindsight, gives FPIR α
 * on these non-mated probes). Also lists the top-scoring non-mated probes: label noise (duplicates across
 * identities, one person under two names) dominates that tail and a person should look at it.
 *
 * <p>Feed it real embeddings (gallery templates per subject, cohort templates, labelled probes) to evaluate
 * a model pack; the tests feed synthetic ones. Pure: no Kafka, no files.
 */
public final class OpenSetEvaluation {
  private static final FaceQuality EVAL_QUALITY = new FaceQuality(1, 100, 100, 0, 0, 1);
  private static final BoundingBox EVAL_BOX = new BoundingBox(0, 0, 100, 100);
  private static final float[] EVAL_LANDMARKS = {30, 40, 70, 40, 50, 60, 35, 80, 65, 80};

  private OpenSetEvaluation() {}

  /**
   * @param embedding the probe embedding
   * @param subjectId its true enrolled subject, or null for a non-mated probe (not in the gallery)
   * @param label free text for the report (a file name)
   */
  public record Probe(float[] embedding, String subjectId, String label) {
    public Probe {
      embedding = embedding.clone();
    }
  }

  /**
   * @param policy adaptive, fixed or oracle
   * @param threshold the fixed or oracle threshold; the adaptive one's last published value
   * @param dirAtRank1 mated probes whose best subject is theirs and accepted, over mated probes
   * @param fpir non-mated probes accepted as anyone, over non-mated probes
   */
  public record Rates(String policy, double threshold, double dirAtRank1, double fpir, long mated, long nonMated) {}

  /** A non-mated probe's best gallery score, for review. */
  public record NonMatedHit(String label, String bestSubjectId, double score) {}

  /**
   * @param warmup probes at the start of the stream that only feed the estimator (excluded from all rates)
   */
  public record Report(Rates adaptive, Rates fixed, Rates oracle, long warmup, List<NonMatedHit> topNonMated) {}

  /**
   * @param gallery templates per subject (L2-normalised)
   * @param cohort impostor cohort templates, identities disjoint from the gallery and the probes' subjects
   * @param probes labelled probes
   * @param policy the adaptive policy (α, β, guards)
   * @param fixedThreshold the fixed policy's cosine
   * @param warmup probes that only feed the estimator
   * @param publishEvery the estimate is republished every this many probes (as the aggregator would)
   * @param seed order of the stream
   */
  public static Report run(Map<String, List<float[]>> gallery, float[][] cohort, List<Probe> probes, FpirPolicy policy,
      double fixedThreshold, int warmup, int publishEvery, long seed) {
    return run(gallery, new CohortScorer(cohort, policy.smoothMaxScale()), probes, policy, fixedThreshold, warmup,
        publishEvery, seed);
  }

  /**
   * As {@link #run(Map, float[][], List, FpirPolicy, double, int, int, long)} with a cohort enrolled the way the
   * gallery is: each cohort identity has up to as many templates as a gallery subject and scores the max over
   * them (see {@link CohortScorer#ofIdentities}), so its null score is distributed like a non-mated probe's
   * gallery score.
   *
   * @param cohortIdentities per cohort identity its templates
   */
  public static Report runWithCohortIdentities(Map<String, List<float[]>> gallery, List<float[][]> cohortIdentities,
      List<Probe> probes, FpirPolicy policy, double fixedThreshold, int warmup, int publishEvery, long seed) {
    return run(gallery, CohortScorer.ofIdentities(cohortIdentities, policy.smoothMaxScale()), probes, policy,
        fixedThreshold, warmup, publishEvery, seed);
  }

  private static Report run(Map<String, List<float[]>> gallery, CohortScorer scorer, List<Probe> probes,
      FpirPolicy policy, double fixedThreshold, int warmup, int publishEvery, long seed) {
    if (probes.size() <= warmup) {
      throw new IllegalArgumentException("expected more probes than the warm-up " + warmup + ", found " + probes.size());
    }
    if (publishEvery < 1) {
      throw new IllegalArgumentException("expected publishEvery >= 1, found " + publishEvery);
    }
    GalleryIndex index = new GalleryIndex();
    gallery.forEach((subject, embeddings) -> {
      List<Template> templates = new ArrayList<>();
      for (int i = 0; i < embeddings.size(); i++) {
        templates.add(new Template(embeddings.get(i), subject + "/" + i, EVAL_QUALITY));
      }
      index.upsert(new GalleryRecord(subject, subject, templates, "eval", Instant.EPOCH));
    });
    AdaptiveThreshold adaptive = new AdaptiveThreshold(policy, scorer, index::subjectCount);
    FpirThresholdEstimator estimator = new FpirThresholdEstimator(policy);

    List<Probe> order = new ArrayList<>(probes);
    Collections.shuffle(order, new Random(seed));
    int n = order.size() - warmup;
    double[] best = new double[n];
    boolean[] rankOneCorrect = new boolean[n];
    boolean[] mated = new boolean[n];
    long adaptiveMatedHits = 0;
    long adaptiveFalse = 0;
    List<NonMatedHit> hits = new ArrayList<>();
    ThresholdState state = null;
    for (int i = 0; i < order.size(); i++) {
      Probe p = order.get(i);
      FaceObservation o = new FaceObservation(FaceObservation.idOf("eval", i, 0), "eval", i, 0, Instant.EPOCH,
          Instant.EPOCH, 100, 100, EVAL_BOX, EVAL_LANDMARKS, EVAL_QUALITY, p.embedding(), "eval", null);
      Ranking ranking = index.search(p.embedding(), 1);
      Decision d = adaptive.decide(o, ranking);
      if ((i + 1) % publishEvery == 0) {
        var sketch = adaptive.report("eval", Instant.EPOCH).decodedSketch();
        state = estimator.next(state, estimator.estimate(sketch, index.subjectCount(), adaptive.cohortK()),
            index.subjectCount(), adaptive.cohortK(), Instant.EPOCH.plusSeconds(i));
        adaptive.apply(state);
      }
      if (i < warmup) {
        continue;
      }
      int j = i - warmup;
      best[j] = ranking.bestScore();
      mated[j] = p.subjectId() != null;
      rankOneCorrect[j] = mated[j] && p.subjectId().equals(ranking.bestSubjectId());
      if (mated[j]) {
        adaptiveMatedHits += d.isMatch() && rankOneCorrect[j] ? 1 : 0;
      } else {
        adaptiveFalse += d.isMatch() ? 1 : 0;
        hits.add(new NonMatedHit(p.label(), ranking.bestSubjectId(), ranking.bestScore()));
      }
    }
    long matedCount = 0;
    for (boolean m : mated) {
      matedCount += m ? 1 : 0;
    }
    long nonMatedCount = n - matedCount;
    double[] nonMatedBest = hits.stream().mapToDouble(NonMatedHit::score).sorted().toArray();
    double oracle = nonMatedBest.length == 0 ? 1
        : nonMatedBest[Math.min(nonMatedBest.length - 1, (int) Math.ceil((1 - policy.alpha()) * nonMatedBest.length))];
    hits.sort(Comparator.comparingDouble(NonMatedHit::score).reversed());
    Rates adaptiveRates = new Rates(FpirPolicy.POLICY, state == null ? policy.initial() : state.value(),
        ratio(adaptiveMatedHits, matedCount), ratio(adaptiveFalse, nonMatedCount), matedCount, nonMatedCount);
    return new Report(adaptiveRates, fixedRates("fixed", fixedThreshold, best, rankOneCorrect, mated),
        fixedRates("oracle", oracle, best, rankOneCorrect, mated), warmup, hits.subList(0, Math.min(20, hits.size())));
  }

  private static Rates fixedRates(String name, double t, double[] best, boolean[] correct, boolean[] mated) {
    long m = 0;
    long hits = 0;
    long nm = 0;
    long fp = 0;
    for (int i = 0; i < best.length; i++) {
      if (mated[i]) {
        m++;
        hits += correct[i] && best[i] >= t ? 1 : 0;
      } else {
        nm++;
        fp += best[i] >= t ? 1 : 0;
      }
    }
    return new Rates(name, t, ratio(hits, m), ratio(fp, nm), m, nm);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }
}

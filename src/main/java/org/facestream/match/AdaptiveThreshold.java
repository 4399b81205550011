package org.facestream.match;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.NullScoreReport;
import org.facestream.events.ThresholdRef;
import org.facestream.events.ThresholdState;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.Ranking;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.FpirThresholdEstimator;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreWindow;

/**
 * The open-set policy: holds a target false-positive identification rate with the global threshold the
 * aggregator publishes ({@link ThresholdState}, read from {@code facestream.thresholds.v1}), raised for
 * probes that resemble everyone, and refusing ambiguous ones.
 *
 * <ul>
 *   <li>A probe q is held to {@code τ_q = clamp(τ + β(n_q - n̄), floor, ceiling)}, n_q its cohort
 *       smooth-max: blurred, dark or "average" faces score high against every identity, the gallery's
 *       included, so one global τ would let them through more often than α.
 *   <li>A match also needs the best subject to beat the second by the ambiguity margin: two enrolled
 *       look-alikes within the margin mean the evidence does not say which one it is.
 *   <li>Every quality-passing probe feeds its null score into this instance's {@link NullScoreWindow}
 *       (per-camera quota applied), which the matcher reports to the aggregator: the cohort-max residuals
 *       {@code c - β·n_q} (two per probe, one per assignment of the cohort's halves) when a cohort is
 *       configured, else the leave-top-1-out gallery score.
 *   <li>With a cohort, the window is primed once with the gallery templates' own null scores, so the first
 *       published threshold already holds the target instead of waiting for thousands of probes.
 * </ul>
 *
 * <p>Until a state arrives, decisions use {@link FpirPolicy#initial()} with version 0 and no guard.
 * Identity events carry policy {@value FpirPolicy#POLICY}, the probe's τ_q and the state's version.
 *
 * <p>Thread-safe: the state is swapped atomically, the window is guarded by this object's lock (a few
 * array increments per face).
 */
public final class AdaptiveThreshold implements ThresholdPolicy {
    private final FpirPolicy policy;
    private final CohortScorer cohort;
    private final IntSupplier gallerySize;
    private final IntSupplier galleryTemplates;
    private final AtomicReference<ThresholdState> state = new AtomicReference<>();
    private final NullScoreWindow window;
    private final List<Consumer<ThresholdState>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ThresholdState>> largeMoveListeners = new CopyOnWriteArrayList<>();
    private int windowGalleryN = -1;
    private long reportSequence;
    private final IntFunction<List<float[]>> templates;
    private volatile boolean primed;

    /**
     * Most gallery templates scored to prime the window: two null scores each, 10,000 in all, enough for the
     * histogram at the levels of galleries up to a few thousand people; 5,000 x a 600-template cohort is about
     * 1.5 G multiply-adds, a second or two once, on the first probe.
     */
    public static final int PRIME_MAX_TEMPLATES = 5_000;

    /**
     * A policy whose window is not primed: it starts at {@link FpirPolicy#initial()}.
     *
     * @param policy settings shared with the aggregator
     * @param cohort the impostor cohort, or null to fall back to leave-top-1-out null scores (no guard)
     * @param gallerySize the gallery's current number of identities (for the window's size)
     */
    public AdaptiveThreshold(FpirPolicy policy, CohortScorer cohort, IntSupplier gallerySize) {
        this(policy, cohort, gallerySize, gallerySize, null);
    }

    /**
     * A policy that primes its window from the gallery (see {@link #primeOnce()}).
     *
     * @param galleryTemplates the gallery's current number of templates (for the quantile level)
     * @param templates up to n of the gallery's templates, evenly spread (e.g. {@code index::templateSample});
     *     null for no priming
     */
    public AdaptiveThreshold(
            FpirPolicy policy,
            CohortScorer cohort,
            IntSupplier gallerySize,
            IntSupplier galleryTemplates,
            IntFunction<List<float[]>> templates) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.cohort = cohort;
        this.gallerySize = Objects.requireNonNull(gallerySize, "gallerySize");
        this.galleryTemplates = Objects.requireNonNull(galleryTemplates, "galleryTemplates");
        this.templates = templates;
        this.window = new NullScoreWindow(policy, windowSamples());
    }

    /** A policy for {@code index}: its size and templates (priming) come from it. */
    public static AdaptiveThreshold forGallery(FpirPolicy policy, CohortScorer cohort, GalleryIndex index) {
        return new AdaptiveThreshold(policy, cohort, index::subjectCount, index::templateCount, index::templateSample);
    }

    public FpirPolicy policy() {
        return policy;
    }

    /** Cohort identities K behind each null score (the cohort's null half), 0 without a cohort. */
    public int cohortK() {
        return cohort == null ? 0 : cohort.nullIdentities();
    }

    /** Cohort templates behind each null score, 0 without a cohort. */
    public int cohortTemplates() {
        return cohort == null ? 0 : cohort.nullTemplates();
    }

    private long windowSamples() {
        int n = Math.max(2, gallerySize.getAsInt());
        return policy.windowSamples(n, Math.max(n, galleryTemplates.getAsInt()), cohortK(), cohortTemplates());
    }

    /** The state decisions use now, or null before the first publication. */
    public ThresholdState current() {
        return state.get();
    }

    /**
     * Applies a published state; states of other policies and versions not newer than the current one are
     * ignored (a replayed or reordered record must not move the threshold back).
     *
     * @return whether it was applied
     */
    public boolean apply(ThresholdState next) {
        if (next == null || !policy.policyId().equals(next.policyId())) {
            return false;
        }
        while (true) {
            ThresholdState prev = state.get();
            if (prev != null && next.version() <= prev.version()) {
                return false;
            }
            if (state.compareAndSet(prev, next)) {
                if (prev != null && Math.abs(next.value() - prev.value()) >= policy.alertDelta()) {
                    largeMoveListeners.forEach(l -> l.accept(next));
                }
                listeners.forEach(l -> l.accept(next));
                return true;
            }
        }
    }

    /**
     * Calls {@code listener} with every state applied from now on (on the thread that applies it: keep it
     * cheap). The API's threshold history listens, so it records every version rather than sampling.
     */
    public void onApplied(Consumer<ThresholdState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Calls {@code listener} with every applied state at least {@link FpirPolicy#alertDelta()} away from the
     * one before it (the matcher counts them), on the thread that applies it.
     */
    public void onLargeMove(Consumer<ThresholdState> listener) {
        largeMoveListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Decision decide(Ranking ranking, FaceQuality quality) {
        ThresholdState s = state.get();
        double tau = s == null ? policy.initial() : s.value();
        return decideAt(ranking, tau, s == null ? 0 : s.version());
    }

    @Override
    public Decision decide(FaceObservation observation, Ranking ranking) {
        return decide(observation, ranking, true);
    }

    /** As {@link #decide(FaceObservation, Ranking)}, but the probe's null scores are not recorded again. */
    @Override
    public Decision redecide(FaceObservation observation, Ranking ranking) {
        return decide(observation, ranking, false);
    }

    private Decision decide(FaceObservation observation, Ranking ranking, boolean feed) {
        ThresholdState s = state.get();
        double smoothMax = 0;
        if (cohort != null) {
            primeOnce();
            CohortScorer.CohortScores scores = cohort.score(observation.embedding());
            smoothMax = scores.smoothMax();
            if (feed && feeds(observation.quality())) {
                record(observation.cameraId(), scores);
            }
        } else if (feed && feeds(observation.quality()) && ranking.subjectsSearched() >= 2) {
            record(observation.cameraId(), ranking.secondBestScore(), 0);
        }
        double tau = s == null
                ? policy.initial()
                : cohort == null ? s.value() : FpirThresholdEstimator.probeThreshold(s, policy, smoothMax);
        return decideAt(ranking, tau, s == null ? 0 : s.version());
    }

    private Decision decideAt(Ranking ranking, double tau, long version) {
        ThresholdRef ref = new ThresholdRef(tau, version, FpirPolicy.POLICY);
        if (ranking.isEmpty()) {
            return new Decision(null, -1, ref);
        }
        double best = ranking.bestScore();
        boolean match = accepts(best, ranking.secondBestScore(), tau, policy.ambiguityMargin());
        return new Decision(match ? ranking.bestSubjectId() : null, best, ref);
    }

    /** The decision rule: the best score reaches τ_q and beats the second-best subject by the margin. */
    public static boolean accepts(double best, double secondBest, double probeThreshold, double margin) {
        return best >= probeThreshold && best - secondBest >= margin;
    }

    /** Low-quality faces never feed the estimator: their scores say more about the camera than about α. */
    boolean feeds(FaceQuality q) {
        return policy.feedGate().admits(q);
    }

    /**
     * Both null scores of a probe (the halves' two role assignments), each with its own guard smooth-max;
     * {@code cameraId} null for the enrollment photos that prime the window (outside the camera quota).
     */
    private synchronized void record(String cameraId, CohortScorer.CohortScores scores) {
        record(cameraId, FpirThresholdEstimator.residual(policy, scores.max(), scores.smoothMax()), scores.smoothMax());
        record(
                cameraId,
                FpirThresholdEstimator.residual(policy, scores.swappedMax(), scores.swappedSmoothMax()),
                scores.swappedSmoothMax());
    }

    private synchronized void record(String cameraId, double nullScore, double smoothMax) {
        int n = gallerySize.getAsInt();
        if (n != windowGalleryN && n >= 2) {
            window.resize(windowSamples());
            windowGalleryN = n;
        }
        if (cameraId == null) {
            window.offerExempt(nullScore, smoothMax);
        } else {
            window.offer(cameraId, nullScore, smoothMax);
        }
    }

    /**
     * Primes an empty window with the enrollment photos' null scores: every gallery template (a face of
     * someone not in the cohort) scored against the cohort exactly as a probe is. Without it the threshold
     * stays at {@link FpirPolicy#initial()} until thousands of probes have arrived, since the quantile level
     * is extreme (0.997 for K = 300, N = 1,000); with it the first publication is already near the target.
     * The window is a sliding one, so these scores age out as probes arrive and the probes' own distribution
     * (camera quality, drift) takes over. Runs once, the first time a probe meets a non-empty gallery, so the
     * gallery has been restored by then; at most {@link #PRIME_MAX_TEMPLATES} templates, evenly spread.
     */
    private void primeOnce() {
        if (primed || templates == null) {
            return;
        }
        synchronized (this) {
            if (primed || gallerySize.getAsInt() < 1) {
                return;
            }
            primed = true;
            for (float[] t : templates.apply(PRIME_MAX_TEMPLATES)) {
                if (t.length == cohort.dimension()) {
                    record(null, cohort.score(t));
                }
            }
        }
    }

    /** Whether the window was primed from the gallery's templates. */
    public synchronized boolean primed() {
        return primed;
    }

    /** This instance's window as a report for the aggregator (the whole window: it replaces the last one). */
    public synchronized NullScoreReport report(String instanceId, Instant now) {
        int n = Math.max(0, gallerySize.getAsInt());
        return NullScoreReports.of(
                instanceId,
                policy.policyId(),
                ++reportSequence,
                n,
                Math.max(n, galleryTemplates.getAsInt()),
                cohortK(),
                cohortTemplates(),
                window.snapshot(),
                window.droppedByQuota(),
                now);
    }

    /** Null scores in this instance's window. */
    public synchronized long windowCount() {
        return window.count();
    }
}

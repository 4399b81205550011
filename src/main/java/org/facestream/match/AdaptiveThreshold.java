package org.facestream.match;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.facestream.events.CohortFlag;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.NullScoreReport;
import org.facestream.events.Template;
import org.facestream.events.ThresholdRef;
import org.facestream.events.ThresholdState;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.Ranking;
import org.facestream.match.threshold.CohortHygiene;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.FpirThresholdEstimator;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreWindow;
import org.facestream.match.threshold.TailEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>Contamination (issue 12): a cohort identity that is really an enrolled person would score each of that
 *       person's probes as a "null". Cohort hygiene ({@link CohortHygiene}, kept in step with the gallery as a
 *       {@link GalleryListener}) leaves out identities that look like an enrolled subject, logging and counting
 *       each flag (the aggregator audits them from the reports); a probe's own person in the cohort (cosine at
 *       or above the same-person cut-off) is left out of that probe's scores; the guard smooth-max leaves out
 *       its half's top identity; each null score carries its cohort identity, so the window's tail lists bound
 *       how many tail scores one identity owns.
 * </ul>
 *
 * <p>Until a state arrives, decisions use {@link FpirPolicy#initial()} with version 0 and no guard.
 * Identity events carry policy {@value FpirPolicy#POLICY}, the probe's τ_q and the state's version.
 *
 * <p>Thread-safe: the state is swapped atomically, the window is guarded by this object's lock (a few
 * array increments per face), the hygiene's exclusions are an immutable snapshot.
 */
public final class AdaptiveThreshold implements ThresholdPolicy, GalleryListener {
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveThreshold.class);

    private final FpirPolicy policy;
    private final CohortScorer cohort;
    private final CohortHygiene hygiene;
    private final CohortHygiene.Gallery gallery;
    private final IntSupplier gallerySize;
    private final IntSupplier galleryTemplates;
    private final AtomicReference<ThresholdState> state = new AtomicReference<>();
    private final NullScoreWindow window;
    private final List<Consumer<ThresholdState>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ThresholdState>> largeMoveListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CohortHygiene.Change>> flagListeners = new CopyOnWriteArrayList<>();
    private List<Integer> windowSizing;
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
        this(policy, cohort, gallerySize, gallerySize, null, null);
    }

    /**
     * A policy that primes its window from the gallery (see {@link #primeOnce()}).
     *
     * @param galleryTemplates the gallery's current number of templates (for the quantile level)
     * @param templates up to n of the gallery's templates, evenly spread (e.g. {@code index::templateSample});
     *     null for no priming
     * @param gallery the gallery's best subject for a template, for cohort hygiene (computed now, and on each
     *     {@link GalleryListener} call); null for no hygiene
     */
    public AdaptiveThreshold(
            FpirPolicy policy,
            CohortScorer cohort,
            IntSupplier gallerySize,
            IntSupplier galleryTemplates,
            IntFunction<List<float[]>> templates,
            CohortHygiene.Gallery gallery) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.cohort = cohort;
        this.gallerySize = Objects.requireNonNull(gallerySize, "gallerySize");
        this.galleryTemplates = Objects.requireNonNull(galleryTemplates, "galleryTemplates");
        this.templates = templates;
        this.gallery = cohort == null ? null : gallery;
        this.hygiene = cohort == null
                ? null
                : new CohortHygiene(cohort, policy.contamination().hygieneCosine());
        if (this.gallery != null && gallerySize.getAsInt() > 0) {
            flagged(hygiene.recompute(this.gallery));
        }
        this.window = new NullScoreWindow(policy, windowSamples());
        sizeWindow();
    }

    /** A policy for {@code index}: its size, templates (priming) and best subjects (hygiene) come from it. */
    public static AdaptiveThreshold forGallery(FpirPolicy policy, CohortScorer cohort, GalleryIndex index) {
        return new AdaptiveThreshold(
                policy, cohort, index::subjectCount, index::templateCount, index::templateSample, t -> {
                    if (index.subjectCount() == 0) {
                        return null;
                    }
                    Ranking r = index.search(t, 1);
                    return r.isEmpty() ? null : new CohortHygiene.Best(r.bestSubjectId(), r.bestScore());
                });
    }

    public FpirPolicy policy() {
        return policy;
    }

    /**
     * Cohort identities K behind each null score (the usable identities of the cohort's null half, at least 1),
     * 0 without a cohort.
     */
    public int cohortK() {
        return cohort == null ? 0 : Math.max(1, hygiene.exclusions().usableIdentities() / 2);
    }

    /** Cohort templates behind each null score (half the usable ones, at least K), 0 without a cohort. */
    public int cohortTemplates() {
        return cohort == null ? 0 : Math.max(cohortK(), hygiene.exclusions().usableTemplates() / 2);
    }

    /** K_u: the cohort identities that give null scores, both halves (at least 1), 0 without a cohort. */
    public int usableIdentities() {
        return cohort == null ? 0 : Math.max(1, hygiene.exclusions().usableIdentities());
    }

    /** The name of cohort identity {@code i}. */
    public String cohortName(int i) {
        if (cohort == null) {
            throw new IllegalStateException("expected a cohort, found none");
        }
        return cohort.name(i);
    }

    /** The cohort identities hygiene leaves out now (empty without a cohort). */
    public List<CohortHygiene.Flag> cohortFlags() {
        return cohort == null ? List.of() : hygiene.exclusions().flags();
    }

    private long windowSamples() {
        int n = Math.max(2, gallerySize.getAsInt());
        return policy.windowSamples(n, Math.max(n, galleryTemplates.getAsInt()), cohortK(), cohortTemplates());
    }

    /** Sizes the window (from its next bucket) when the gallery's size or the usable cohort changed. */
    private synchronized void sizeWindow() {
        int n = gallerySize.getAsInt();
        List<Integer> sizing = List.of(n, cohortK(), cohortTemplates(), usableIdentities());
        if (sizing.equals(windowSizing) || (windowSizing != null && n < 2)) {
            return;
        }
        windowSizing = sizing;
        window.resize(windowSamples());
        if (cohort != null) {
            int g = Math.max(2, n);
            window.listTail(
                    policy.level(g, Math.max(g, galleryTemplates.getAsInt()), cohortK(), cohortTemplates()),
                    usableIdentities());
        }
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

    /**
     * Calls {@code listener} with every cohort identity hygiene flags or clears from now on (the matcher counts
     * them), on the thread that changed the gallery.
     */
    public void onCohortFlag(Consumer<CohortHygiene.Change> listener) {
        flagListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void galleryRebuilt() {
        if (gallery != null) {
            flagged(hygiene.recompute(gallery));
        }
    }

    @Override
    public void subjectUpserted(GalleryRecord record) {
        if (gallery != null) {
            List<float[]> t =
                    record.templates().stream().map(Template::embedding).toList();
            flagged(hygiene.upserted(record.subjectId(), t, gallery));
        }
    }

    @Override
    public void subjectRemoved(String subjectId) {
        if (gallery != null) {
            flagged(hygiene.removed(subjectId, gallery));
        }
    }

    private void flagged(List<CohortHygiene.Change> changes) {
        for (CohortHygiene.Change c : changes) {
            CohortHygiene.Flag f = c.flag();
            if (c.flagged()) {
                LOG.warn(
                        "cohort identity {} looks like enrolled subject {} (cosine {}): left out of the null scores",
                        f.name(),
                        f.subjectId(),
                        String.format(Locale.ROOT, "%.3f", f.cosine()));
            } else {
                LOG.info(
                        "cohort identity {} no longer looks like an enrolled subject: back in the null scores",
                        f.name());
            }
            flagListeners.forEach(l -> l.accept(c));
        }
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
            CohortScorer.CohortScores scores = score(observation.embedding());
            smoothMax = scores.smoothMax();
            if (feed && feeds(observation.quality())) {
                record(observation.cameraId(), observation.frameSequence(), scores);
            }
        } else if (feed && feeds(observation.quality()) && ranking.subjectsSearched() >= 2) {
            sizeWindow();
            synchronized (this) {
                window.offer(observation.cameraId(), ranking.secondBestScore(), 0);
            }
        }
        double tau = s == null
                ? policy.initial()
                : cohort == null ? s.value() : FpirThresholdEstimator.probeThreshold(s, policy, smoothMax);
        return decideAt(ranking, tau, s == null ? 0 : s.version());
    }

    private CohortScorer.CohortScores score(float[] embedding) {
        return cohort.score(embedding, hygiene.excluded(), policy.contamination());
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
     * Both null scores of a probe (the halves' two role assignments), each with its own guard smooth-max and
     * the cohort identity that produced it; a half with no usable identity gives none. {@code cameraId} null for
     * the enrollment photos that prime the window (outside the camera quota); {@code source} tags the score for
     * evaluation (the observation's sequence, or -(k+1) for the k-th priming template).
     */
    private synchronized void record(String cameraId, long source, CohortScorer.CohortScores scores) {
        sizeWindow();
        scores.samePerson().forEach(window::samePerson);
        if (scores.hasNull()) {
            offer(new TailEntry(
                    FpirThresholdEstimator.residual(policy, scores.max(), scores.smoothMax()),
                    scores.smoothMax(),
                    scores.maxIdentity(),
                    cameraId,
                    source));
        }
        if (scores.hasSwappedNull()) {
            offer(new TailEntry(
                    FpirThresholdEstimator.residual(policy, scores.swappedMax(), scores.swappedSmoothMax()),
                    scores.swappedSmoothMax(),
                    scores.swappedMaxIdentity(),
                    cameraId,
                    source));
        }
    }

    private void offer(TailEntry e) {
        if (e.camera() == null) {
            window.offerExempt(e);
        } else {
            window.offer(e);
        }
    }

    /**
     * Primes an empty window with the enrollment photos' null scores: every gallery template (a face of
     * someone not in the cohort) scored against the cohort exactly as a probe is. Without it the threshold
     * stays at {@link FpirPolicy#initial()} until thousands of probes have arrived, since the quantile level
     * is extreme (0.997 for K = 300, N = 1,000); with it the first publication is already near the target.
     * The window is a sliding one, so these scores age out as probes arrive and the probes' own distribution
     * (camera quality, drift) takes over. Runs once, the first time a probe meets a non-empty gallery, so the
     * gallery has been restored by then; at most {@link #PRIME_MAX_TEMPLATES} templates, evenly spread. The
     * same contamination rules apply: a template's own person in the cohort is left out of its scores.
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
            List<float[]> sample = templates.apply(PRIME_MAX_TEMPLATES);
            for (int k = 0; k < sample.size(); k++) {
                float[] t = sample.get(k);
                if (t.length == cohort.dimension()) {
                    record(null, -(k + 1L), score(t));
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
        List<CohortFlag> flags = cohortFlags().stream()
                .map(f -> new CohortFlag(f.name(), f.subjectId(), Math.max(-1, Math.min(1, f.cosine()))))
                .toList();
        return NullScoreReports.of(
                instanceId,
                policy.policyId(),
                ++reportSequence,
                new NullScoreReports.Sizes(
                        n,
                        Math.max(n, galleryTemplates.getAsInt()),
                        cohortK(),
                        cohortTemplates(),
                        usableIdentities(),
                        cohort == null ? List.of() : cohort.names(),
                        flags),
                window.contents(),
                window.droppedByQuota(),
                now);
    }

    /** What this instance's window holds now (a copy): for evaluation's tail composition and tests. */
    public synchronized NullScoreWindow.Contents windowContents() {
        return window.contents();
    }

    /** Null scores in this instance's window. */
    public synchronized long windowCount() {
        return window.count();
    }
}

package org.facestream.match.threshold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.facestream.events.ThresholdState;

/**
 * Turns a window of null scores into the published threshold: bounds how much of the tail one cohort
 * identity or one camera may own ({@link #estimate(MergedWindow, int, int, int, int)}), reads the quantile the
 * target FPIR asks for, from the histogram or from a GPD tail model, then applies the operational guards (the
 * published value is the highest of the last {@link FpirPolicy#fallRunLength()} raw estimates, within hard
 * bounds; large moves are flagged).
 *
 * <p>The null scores are residuals {@code d = c - β·n} (c the probe's best cohort cosine, n its cohort
 * smooth-max), so the global threshold in cosine units is {@code τ = q_level(d) + β·n̄}; a probe q is then
 * held to {@code τ + β(n_q - n̄) = q_level(d) + β·n_q}, which keeps the FPIR at α whatever a probe's
 * "resembles everyone" offset. With β = 0 this is the plain cohort-max quantile rule.
 *
 * <p>Stateless and thread-safe: the previous state is passed in.
 */
public final class FpirThresholdEstimator {
    /** Exceedances the tail model needs before it is trusted. */
    public static final int MIN_TAIL_EXCEEDANCES = 30;
    /**
     * The tail model is fitted above the quantile with this many times the target's tail mass. Wide on
     * purpose: the cohort-max tail is fitted where there are scores, then extrapolated; a high threshold
     * leaves a thin window (a 400-face ORL gallery, the first minutes of a camera) with no estimate at all.
     */
    public static final double TAIL_MASS_FACTOR = 50;
    /**
     * Scores above the level the histogram needs before its quantile is read directly. Real null scores
     * are not GPD-shaped far out (look-alikes and label noise thicken the top), and on LFW the histogram
     * with a handful of tail scores was closer to the realised FPIR than the fitted tail, which ran 0.01-0.02
     * of cosine high (FPIR 0.3-0.8x); so at α above {@link FpirPolicy#tailModelMaxAlpha()} the tail model
     * only fills in when the window is too thin.
     */
    public static final double MIN_EMPIRICAL_TAIL = 5;

    private final FpirPolicy policy;

    public FpirThresholdEstimator(FpirPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public FpirPolicy policy() {
        return policy;
    }

    /**
     * A raw estimate, before guards.
     *
     * @param value τ in cosine units, NaN when {@code method} is insufficient
     * @param level the quantile level read
     * @param samples null scores in the window
     * @param meanSmoothMax n̄ of the window
     * @param method {@link ThresholdState#EMPIRICAL}, {@link ThresholdState#TAIL} or {@link ThresholdState#INSUFFICIENT}
     * @param tail the fitted tail, or null when the histogram was read
     * @param audit what the capped read dropped, or null for a window without tail lists
     */
    public record Estimate(
            double value,
            double level,
            long samples,
            double meanSmoothMax,
            String method,
            TailModel tail,
            ThresholdState.TailAudit audit) {
        public Estimate(double value, double level, long samples, double meanSmoothMax, String method, TailModel tail) {
            this(value, level, samples, meanSmoothMax, method, tail, null);
        }

        Estimate withAudit(ThresholdState.TailAudit a) {
            return new Estimate(value, level, samples, meanSmoothMax, method, tail, a);
        }
    }

    /** Estimates τ from a (merged) window for a gallery of {@code galleryN} and a cohort of {@code cohortK}. */
    public Estimate estimate(NullScoreSketch window, int galleryN, int cohortK) {
        return estimate(window, galleryN, galleryN, cohortK, cohortK);
    }

    /** As {@link #estimate(NullScoreSketch, int, int)} with the template counts of both sides. */
    public Estimate estimate(
            NullScoreSketch window, int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        double level = policy.level(Math.max(1, galleryN), Math.max(1, galleryTemplates), cohortK, cohortTemplates);
        long n = window.count();
        double meanN = window.meanSmoothMax();
        double beta = cohortK > 0 ? policy.beta() : 0;
        double tailMass = 1 - level;
        boolean histogramFirst = policy.alpha() > policy.tailModelMaxAlpha();
        if (histogramFirst && n * tailMass >= MIN_EMPIRICAL_TAIL) {
            return new Estimate(window.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.EMPIRICAL, null);
        }
        double uLevel = Math.max(0.5, 1 - TAIL_MASS_FACTOR * tailMass);
        if (n * (1 - uLevel) >= MIN_TAIL_EXCEEDANCES) {
            TailModel tail = TailModel.fit(window, uLevel, MIN_TAIL_EXCEEDANCES);
            return new Estimate(tail.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.TAIL, tail);
        }
        if (n > 0 && n * tailMass >= MIN_EMPIRICAL_TAIL) {
            return new Estimate(window.quantile(level) + beta * meanN, level, n, meanN, ThresholdState.EMPIRICAL, null);
        }
        return new Estimate(Double.NaN, level, n, meanN, ThresholdState.INSUFFICIENT, null);
    }

    /**
     * Estimates τ from merged windows with tail lists, capping the tail first (without lists, as {@link
     * #estimate(NullScoreSketch, int, int, int, int)} of the whole window).
     *
     * <p>The capped read: walk the listed scores from the highest, with m = ρ·(n − dropped) the scores the read
     * uses (ρ = {@link FpirPolicy#readMass}); stop once m are kept; drop a score whose cohort identity already
     * owns {@link FpirPolicy#tailCap}(m, K_u) kept scores, or whose camera (when the lists name at least two;
     * priming scores have none) owns {@link FpirPolicy#cameraTailCap}; keep the rest. Kept scores and those after
     * the stop join the histogram; dropped ones leave the count and the mean smooth-max. The quantile is then read
     * as always. A walk that runs out of list before m is reached reads the rest uncapped ({@code listExhausted}).
     */
    public Estimate estimate(
            MergedWindow window, int galleryN, int galleryTemplates, int cohortK, int cohortTemplates) {
        if (!window.listed()) {
            return estimate(window.all(), galleryN, galleryTemplates, cohortK, cohortTemplates);
        }
        double level = policy.level(Math.max(1, galleryN), Math.max(1, galleryTemplates), cohortK, cohortTemplates);
        double readMass = policy.readMass(level);
        NullScoreSketch counts = window.histogram();
        List<TailEntry> order = new ArrayList<>(window.entries());
        order.sort(Comparator.comparingDouble(e -> -e.score())); // stable: ties keep report and bucket order
        long n = counts.count() + order.size();
        Set<String> cameras = new HashSet<>();
        order.forEach(e -> {
            if (e.camera() != null) {
                cameras.add(e.camera());
            }
        });
        int usable = Math.max(1, window.usableIdentities());
        Map<Integer, Integer> owned = new HashMap<>();
        Map<String, Integer> cameraOwned = new HashMap<>();
        Map<String, Long> capped = new TreeMap<>(window.capped());
        long kept = 0;
        long dropped = 0;
        long cameraDropped = 0;
        int stop = order.size();
        for (int i = 0; i < order.size(); i++) {
            TailEntry e = order.get(i);
            double m = readMass * (n - dropped);
            if (kept >= m) {
                stop = i;
                break;
            }
            int k = e.identity();
            if (k >= 0 && owned.getOrDefault(k, 0) >= policy.tailCap(m, usable)) {
                dropped++;
                capped.merge(window.identities().get(k), 1L, Long::sum);
                continue;
            }
            if (e.camera() != null && cameras.size() > 1) {
                if (cameraOwned.getOrDefault(e.camera(), 0) >= policy.cameraTailCap(m, cameras.size())) {
                    dropped++;
                    cameraDropped++;
                    continue;
                }
                cameraOwned.merge(e.camera(), 1, Integer::sum);
            }
            owned.merge(k, 1, Integer::sum);
            counts.add(e.score(), e.smoothMax());
            kept++;
        }
        for (int i = stop; i < order.size(); i++) {
            counts.add(order.get(i).score(), order.get(i).smoothMax());
        }
        boolean exhausted = kept < readMass * (n - dropped);
        long bucketDropped =
                window.capped().values().stream().mapToLong(Long::longValue).sum();
        List<ThresholdState.CappedIdentity> top = capped.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(5)
                .map(c -> new ThresholdState.CappedIdentity(c.getKey(), c.getValue()))
                .toList();
        ThresholdState.TailAudit audit = new ThresholdState.TailAudit(
                capped.size(),
                dropped + bucketDropped,
                cameraDropped,
                window.flagged().size(),
                window.samePerson().values().stream().mapToLong(Long::longValue).sum(),
                exhausted,
                top);
        return estimate(counts, galleryN, galleryTemplates, cohortK, cohortTemplates)
                .withAudit(audit);
    }

    /**
     * The next published state: the highest of the last {@link FpirPolicy#fallRunLength()} raw estimates (this
     * one and those {@code previous} carries), within [floor, ceiling]. So it rises at once and follows the
     * raw estimate down once that many estimates in a row lie below it: one spike (a burst of look-alikes, a
     * contaminated identity before hygiene caught it) holds the threshold for a few publications, not for the
     * thousands of probes a fixed fall per publication took. An insufficient estimate is not a raw estimate:
     * the previous value (or the initial one) stands.
     *
     * @param previous the last published state of this policy, or null for the first
     */
    public ThresholdState next(ThresholdState previous, Estimate e, int galleryN, int cohortK, Instant now) {
        double prior = previous == null ? policy.initial() : previous.value();
        boolean estimated = !ThresholdState.INSUFFICIENT.equals(e.method());
        double raw = estimated ? e.value() : prior;
        double bounded = Math.max(policy.floor(), Math.min(policy.ceiling(), raw));
        List<Double> recent = new ArrayList<>();
        if (previous != null) {
            // a state of an earlier version carries no history: its value stands for it
            recent.addAll(previous.recentRaw() == null ? List.of(previous.value()) : previous.recentRaw());
        }
        double value;
        if (estimated) {
            recent.add(bounded);
            while (recent.size() > policy.fallRunLength()) {
                recent.remove(0);
            }
            value = recent.stream().mapToDouble(Double::doubleValue).max().orElse(bounded);
            while (recent.size() > policy.fallRunLength() - 1) {
                recent.remove(0); // the state keeps the run the next estimate joins
            }
        } else {
            value = previous == null ? bounded : previous.value();
        }
        long version = previous == null ? 1 : previous.version() + 1;
        // The guard is calibrated with the quantile it was estimated with: a kept value keeps its guard, and the
        // initial value, which no window produced, has none (a probe-conditional shift around a guess is noise).
        double beta = cohortK == 0 ? 0 : estimated ? policy.beta() : previous == null ? 0 : previous.beta();
        double meanSmoothMax = estimated || previous == null ? e.meanSmoothMax() : previous.meanSmoothMax();
        return new ThresholdState(
                policy.policyId(),
                value,
                raw,
                version,
                policy.alpha(),
                e.level(),
                galleryN,
                cohortK,
                e.samples(),
                meanSmoothMax,
                beta,
                e.method(),
                now,
                recent,
                e.audit());
    }

    /** Whether going from {@code previous} to {@code next} is a move operators should be alerted to. */
    public boolean isLargeMove(ThresholdState previous, ThresholdState next) {
        return previous != null && Math.abs(next.rawValue() - previous.value()) >= policy.alertDelta();
    }

    /**
     * The threshold for one probe: {@code clamp(τ + β(n_q - n̄), floor, ceiling)}.
     *
     * @param smoothMax the probe's cohort smooth-max n_q (ignored when the state has no cohort; NaN when the
     *     probe's guard half has no usable identity: no probe-conditional shift)
     */
    public static double probeThreshold(ThresholdState state, FpirPolicy policy, double smoothMax) {
        double shift = Double.isNaN(smoothMax) ? 0 : smoothMax - state.meanSmoothMax();
        double t = state.value() + state.beta() * shift;
        return Math.max(policy.floor(), Math.min(policy.ceiling(), t));
    }

    /** The residual null score {@code c - β·n} a probe feeds into the window. */
    public static double residual(FpirPolicy policy, double cohortMax, double smoothMax) {
        return cohortMax - policy.beta() * smoothMax;
    }
}

package org.facestream.eval;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.events.ThresholdState;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.Ranking;
import org.facestream.match.AdaptiveThreshold;
import org.facestream.match.Decision;
import org.facestream.match.threshold.CohortHygiene;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.FpirThresholdEstimator;
import org.facestream.match.threshold.MergedWindow;
import org.facestream.match.threshold.NullScoreWindow;
import org.facestream.match.threshold.TailEntry;

/**
 * Open-set evaluation over embeddings: streams probes (in a seeded order) through the same {@link
 * AdaptiveThreshold}, estimator and gallery search the matcher uses, and reports DIR at rank 1 and FPIR
 * for the adaptive policy, a fixed threshold and the oracle (the lowest threshold that, in hindsight, gives FPIR at most α
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
     * @param quality the face's quality (decides whether it feeds the estimator), or null for a perfect face
     * @param drifted the embedding of the same image after the camera degraded (blur, dark, downscale), used in
     *     the second half of the stream; null to keep {@code embedding}
     * @param identity who the probe shows, for the tail's composition (an unknown person's name); null for the
     *     subject, or the label when there is none
     */
    public record Probe(
            float[] embedding, String subjectId, String label, FaceQuality quality, float[] drifted, String identity) {
        public Probe {
            embedding = embedding.clone();
            quality = quality == null ? EVAL_QUALITY : quality;
            drifted = drifted == null ? null : drifted.clone();
            identity = identity != null ? identity : subjectId != null ? subjectId : label;
        }

        public Probe(float[] embedding, String subjectId, String label, FaceQuality quality, float[] drifted) {
            this(embedding, subjectId, label, quality, drifted, null);
        }

        public Probe(float[] embedding, String subjectId, String label) {
            this(embedding, subjectId, label, null, null, null);
        }

        @Override
        public float[] embedding() {
            return embedding.clone();
        }

        @Override
        public float[] drifted() {
            return drifted == null ? null : drifted.clone();
        }
    }

    /**
     * How the probes stream: they are shuffled with {@code seed} and dealt round-robin to {@code cameras}
     * cameras; from the middle of the stream on, drifted embeddings replace the clean ones, and a flooding
     * camera sends {@code floodPerProbe} faces (cycling through {@code flood}) after every regular probe. The
     * flood feeds the estimator (subject to the per-camera quota) but is left out of the rates, which describe
     * the other cameras' faces.
     *
     * @param warmup probes at the start of the stream that only feed the estimator (excluded from all rates)
     * @param publishEvery the estimate is republished every this many regular probes (as the aggregator would)
     * @param seed order of the stream
     * @param cameras regular cameras, at least 1 (the quota needs 3 or more to have a median to hold a flood to)
     * @param flood faces of the flooding camera (e.g. one unknown look-alike), empty for none
     * @param floodPerProbe flooding faces after each regular probe in the second half
     */
    public record Stream(int warmup, int publishEvery, long seed, int cameras, List<Probe> flood, int floodPerProbe) {
        public Stream {
            if (warmup < 0 || publishEvery < 1 || cameras < 1 || floodPerProbe < 0) {
                throw new IllegalArgumentException(
                        "expected warmup >= 0, publishEvery >= 1, cameras >= 1, floodPerProbe >= 0, found " + warmup
                                + ", " + publishEvery + ", " + cameras + ", " + floodPerProbe);
            }
            flood = List.copyOf(flood);
            if (floodPerProbe > 0 && flood.isEmpty()) {
                throw new IllegalArgumentException(
                        "expected flood faces for floodPerProbe " + floodPerProbe + ", found none");
            }
        }

        /** One camera, no flood. */
        public static Stream of(int warmup, int publishEvery, long seed) {
            return new Stream(warmup, publishEvery, seed, 1, List.of(), 0);
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
     * @param adaptive the adaptive policy over all rated probes
     * @param fixed the fixed threshold over all rated probes
     * @param oracle the lowest fixed threshold that gives at most α on the rated non-mated probes
     * @param warmup probes at the start of the stream that only feed the estimator (excluded from all rates)
     * @param topNonMated the best-scoring non-mated probes, best first (at most 20)
     * @param firstHalf adaptive and fixed rates of the rated probes before the middle of the stream
     * @param secondHalf the same after it (drifted, flooded)
     * @param floodFaces flooding faces decided
     * @param floodAccepted of those, accepted as someone (the flood's own false alarms under the adaptive policy)
     * @param honesty what the adaptive threshold did and what its FPIR is made of
     */
    public record Report(
            Rates adaptive,
            Rates fixed,
            Rates oracle,
            long warmup,
            List<NonMatedHit> topNonMated,
            Halves firstHalf,
            Halves secondHalf,
            long floodFaces,
            long floodAccepted,
            Honesty honesty) {}

    /**
     * One publication of the adaptive threshold during the stream.
     *
     * @param probe index of the probe after which it was published (0-based, over regular probes)
     * @param state the published state
     */
    public record Publication(int probe, ThresholdState state) {}

    /**
     * Who supplies the window's scores above the last published threshold's level: the cohort identities that
     * produced them and the people whose probes (or enrollment photos, "(priming)") they came from.
     *
     * @param level the residual score {@code τ - β·n̄} of the last published state
     * @param scores scores at or above it (listed or dropped by the window; {@code unlisted} of them only in a
     *     bucket's histogram, owner unknown)
     * @param cohort the top cohort identities by scores, most first
     * @param probes the top probe identities by scores, most first
     */
    public record TailComposition(
            double level,
            long scores,
            long unlisted,
            List<Map.Entry<String, Long>> cohort,
            List<Map.Entry<String, Long>> probes) {
        public TailComposition {
            cohort = List.copyOf(cohort);
            probes = List.copyOf(probes);
        }
    }

    /**
     * What an honest report adds to the rates.
     *
     * @param trajectory every publication, in order
     * @param samePersonCosine the cut-off of the stranger FPIR: a non-mated probe whose best gallery score reaches
     *     it is a same-person hit (label noise, one person under two names, a duplicate enrollment)
     * @param stranger the adaptive policy's rates with the same-person hits left out of the non-mated probes
     * @param strangerOracle the lowest constant threshold with FPIR at most α on the non-mated probes without the
     *     same-person hits (its rates over all probes): the reference where label noise decides the oracle, as at
     *     α = 0.001 with one false alarm allowed per thousand
     * @param samePersonHits the rated non-mated probes at or above the cut-off, best first
     * @param constantAtEqualFpir the constant threshold with the best DIR among those with at most as many false
     *     alarms as the adaptive policy (chosen in hindsight): is the adaptive rule ever worse than a constant at
     *     equal FPIR?
     * @param constantAtEqualStrangerFpir the same among the constants with at most as many stranger false alarms
     *     (same-person hits are false alarms no threshold below their score avoids, and at small α they decide
     *     the comparison): rates over the probes without the same-person hits
     * @param tail the window's tail composition at the end of the stream
     * @param flags the cohort identities hygiene flagged at the end of the stream
     */
    public record Honesty(
            List<Publication> trajectory,
            double samePersonCosine,
            Rates stranger,
            Rates strangerOracle,
            List<NonMatedHit> samePersonHits,
            Rates constantAtEqualFpir,
            Rates constantAtEqualStrangerFpir,
            TailComposition tail,
            List<CohortHygiene.Flag> flags) {
        public Honesty {
            trajectory = List.copyOf(trajectory);
            samePersonHits = List.copyOf(samePersonHits);
            flags = List.copyOf(flags);
        }
    }

    /** The "same person" cut-off of the stranger FPIR: impostor pairs reach it at a rate of about 1e-6 (w600k). */
    public static final double SAME_PERSON_COSINE = 0.50;

    /**
     * Rates over one half of the stream.
     *
     * @param adaptive the adaptive policy
     * @param fixed the pack's fixed threshold
     * @param tuned the fixed threshold an operator would have tuned on the first half (its oracle): how a
     *     well-chosen constant fares when the cameras change
     */
    public record Halves(Rates adaptive, Rates fixed, Rates tuned) {}

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
    public static Report run(
            Map<String, List<float[]>> gallery,
            float[][] cohort,
            List<Probe> probes,
            FpirPolicy policy,
            double fixedThreshold,
            int warmup,
            int publishEvery,
            long seed) {
        return run(
                gallery,
                new CohortScorer(cohort, policy.smoothMaxScale()),
                probes,
                policy,
                fixedThreshold,
                Stream.of(warmup, publishEvery, seed),
                null);
    }

    /**
     * As {@link #run(Map, float[][], List, FpirPolicy, double, int, int, long)} with a cohort enrolled the way the
     * gallery is: each cohort identity has up to as many templates as a gallery subject and scores the max over
     * them (see {@link CohortScorer#ofIdentities}), so its null score is distributed like a non-mated probe's
     * gallery score.
     *
     * @param cohortIdentities per cohort identity its templates
     */
    public static Report runWithCohortIdentities(
            Map<String, List<float[]>> gallery,
            List<float[][]> cohortIdentities,
            List<Probe> probes,
            FpirPolicy policy,
            double fixedThreshold,
            Stream stream) {
        return run(
                gallery,
                CohortScorer.ofIdentities(cohortIdentities, policy.smoothMaxScale()),
                probes,
                policy,
                fixedThreshold,
                stream,
                null);
    }

    /**
     * As {@link #runWithCohortIdentities(Map, List, List, FpirPolicy, double, Stream)} with the cohort identities'
     * names (the report's hygiene flags and tail composition name them) and a progress bar over the stream.
     *
     * @param cohort per cohort identity name its templates, in the cohort's order
     * @param progress where the stream's progress is drawn, or null for nowhere
     */
    public static Report runWithCohort(
            Map<String, List<float[]>> gallery,
            Map<String, float[][]> cohort,
            List<Probe> probes,
            FpirPolicy policy,
            double fixedThreshold,
            Stream stream,
            PrintStream progress) {
        return run(
                gallery,
                CohortScorer.ofIdentities(
                        List.copyOf(cohort.keySet()), List.copyOf(cohort.values()), policy.smoothMaxScale()),
                probes,
                policy,
                fixedThreshold,
                stream,
                progress);
    }

    /** One decided regular probe, for the rates. */
    private record Outcome(
            boolean mated,
            boolean rankOneCorrect,
            double best,
            boolean adaptiveAccepted,
            boolean secondHalf,
            boolean samePerson) {}

    private static Report run(
            Map<String, List<float[]>> gallery,
            CohortScorer scorer,
            List<Probe> probes,
            FpirPolicy policy,
            double fixedThreshold,
            Stream stream,
            PrintStream progress) {
        if (probes.size() <= stream.warmup()) {
            throw new IllegalArgumentException(
                    "expected more probes than the warm-up " + stream.warmup() + ", found " + probes.size());
        }
        GalleryIndex index = new GalleryIndex();
        // the index appends each subject's rows in upsert order (nothing is removed), so row r is rowSubject[r]
        List<String> rowSubject = new ArrayList<>();
        gallery.forEach((subject, embeddings) -> {
            List<Template> templates = new ArrayList<>();
            for (int i = 0; i < embeddings.size(); i++) {
                templates.add(new Template(embeddings.get(i), subject + "/" + i, EVAL_QUALITY));
                rowSubject.add(subject);
            }
            index.upsert(new GalleryRecord(subject, subject, templates, "eval", Instant.EPOCH));
        });
        AdaptiveThreshold adaptive = AdaptiveThreshold.forGallery(policy, scorer, index);
        FpirThresholdEstimator estimator = new FpirThresholdEstimator(policy);

        List<Probe> order = new ArrayList<>(probes);
        Collections.shuffle(order, new Random(stream.seed()));
        int middle = order.size() / 2;
        List<Outcome> outcomes = new ArrayList<>();
        List<NonMatedHit> hits = new ArrayList<>();
        List<Publication> trajectory = new ArrayList<>();
        ThresholdState state = null;
        long floodFaces = 0;
        long floodAccepted = 0;
        ProgressBar bar = progress == null ? null : new ProgressBar(progress, "stream", order.size(), "probes/s");
        for (int i = 0; i < order.size(); i++) {
            Probe p = order.get(i);
            boolean secondHalf = i >= middle;
            float[] embedding = secondHalf && p.drifted() != null ? p.drifted() : p.embedding();
            Ranking ranking = index.search(embedding, 1);
            Decision d = adaptive.decide(
                    observation("cam-" + (i % stream.cameras() + 1), i, embedding, p.quality()), ranking);
            if (secondHalf) {
                for (int f = 0; f < stream.floodPerProbe(); f++) {
                    Probe face = stream.flood()
                            .get((int) (floodFaces % stream.flood().size()));
                    float[] e = face.drifted() != null ? face.drifted() : face.embedding();
                    floodAccepted += adaptive.decide(
                                            observation(FLOOD_CAMERA, (int) floodFaces, e, face.quality()),
                                            index.search(e, 1))
                                    .isMatch()
                            ? 1
                            : 0;
                    floodFaces++;
                }
            }
            if ((i + 1) % stream.publishEvery() == 0) {
                MergedWindow window = MergedWindow.of(List.of(adaptive.report("eval", Instant.EPOCH)));
                state = estimator.next(
                        state,
                        estimator.estimate(
                                window,
                                index.subjectCount(),
                                index.templateCount(),
                                adaptive.cohortK(),
                                adaptive.cohortTemplates()),
                        index.subjectCount(),
                        adaptive.cohortK(),
                        Instant.EPOCH.plusSeconds(i));
                adaptive.apply(state);
                trajectory.add(new Publication(i, state));
            }
            if (bar != null) {
                bar.step();
            }
            if (i < stream.warmup()) {
                continue;
            }
            boolean mated = p.subjectId() != null;
            boolean correct = mated && p.subjectId().equals(ranking.bestSubjectId());
            boolean samePerson = !mated && ranking.bestScore() >= SAME_PERSON_COSINE;
            outcomes.add(new Outcome(mated, correct, ranking.bestScore(), d.isMatch(), secondHalf, samePerson));
            if (!mated) {
                hits.add(new NonMatedHit(p.label(), ranking.bestSubjectId(), ranking.bestScore()));
            }
        }
        if (bar != null) {
            bar.done();
        }
        double oracle = oracle(hits.stream().mapToDouble(NonMatedHit::score).toArray(), policy.alpha());
        hits.sort(Comparator.comparingDouble(NonMatedHit::score).reversed());
        double adaptiveThreshold = state == null ? policy.initial() : state.value();
        List<Outcome> first = outcomes.stream().filter(o -> !o.secondHalf()).toList();
        List<Outcome> second = outcomes.stream().filter(Outcome::secondHalf).toList();
        double tuned = oracle(
                first.stream()
                        .filter(o -> !o.mated())
                        .mapToDouble(Outcome::best)
                        .toArray(),
                policy.alpha());
        Rates adaptiveRates = adaptiveRates(adaptiveThreshold, outcomes);
        Honesty honesty = new Honesty(
                trajectory,
                SAME_PERSON_COSINE,
                adaptiveRates(
                        adaptiveThreshold,
                        outcomes.stream().filter(o -> !o.samePerson()).toList()),
                fixedRates(
                        "stranger-oracle",
                        oracle(
                                outcomes.stream()
                                        .filter(o -> !o.mated() && !o.samePerson())
                                        .mapToDouble(Outcome::best)
                                        .toArray(),
                                policy.alpha()),
                        outcomes),
                hits.stream().filter(h -> h.score() >= SAME_PERSON_COSINE).toList(),
                constantAtEqualFpir(outcomes, Math.round(adaptiveRates.fpir() * adaptiveRates.nonMated())),
                constantAtEqualFpir(
                        outcomes.stream().filter(o -> !o.samePerson()).toList(),
                        outcomes.stream()
                                .filter(o -> !o.mated() && !o.samePerson() && o.adaptiveAccepted())
                                .count()),
                tailComposition(adaptive, state, order, rowSubject),
                adaptive.cohortFlags());
        return new Report(
                adaptiveRates,
                fixedRates("fixed", fixedThreshold, outcomes),
                fixedRates("oracle", oracle, outcomes),
                stream.warmup(),
                hits.subList(0, Math.min(20, hits.size())),
                new Halves(
                        adaptiveRates(adaptiveThreshold, first),
                        fixedRates("fixed", fixedThreshold, first),
                        fixedRates("tuned", tuned, first)),
                new Halves(
                        adaptiveRates(adaptiveThreshold, second),
                        fixedRates("fixed", fixedThreshold, second),
                        fixedRates("tuned", tuned, second)),
                floodFaces,
                floodAccepted,
                honesty);
    }

    /** The flooding camera's id in the stream. */
    static final String FLOOD_CAMERA = "flood";

    /**
     * The constant threshold with the best DIR@1 among those that accept at most {@code falseAlarms} of the rated
     * non-mated probes: just above the (falseAlarms+1)-th best non-mated score.
     */
    static Rates constantAtEqualFpir(List<Outcome> outcomes, long falseAlarms) {
        double[] nonMated = outcomes.stream()
                .filter(o -> !o.mated())
                .mapToDouble(Outcome::best)
                .sorted()
                .toArray();
        double t = falseAlarms < nonMated.length ? Math.nextUp(nonMated[nonMated.length - 1 - (int) falseAlarms]) : -1;
        return fixedRates("constant", t, outcomes);
    }

    /**
     * The scores of the final window at or above the last state's residual level, by cohort identity and by the
     * probe (or priming template) they came from.
     */
    private static TailComposition tailComposition(
            AdaptiveThreshold adaptive, ThresholdState state, List<Probe> order, List<String> rowSubject) {
        if (state == null) {
            return new TailComposition(Double.NaN, 0, 0, List.of(), List.of());
        }
        double level = state.value() - state.beta() * state.meanSmoothMax();
        NullScoreWindow.Contents c = adaptive.windowContents();
        Map<String, Long> cohort = new HashMap<>();
        Map<String, Long> probes = new HashMap<>();
        int primed = Math.min(AdaptiveThreshold.PRIME_MAX_TEMPLATES, rowSubject.size());
        long scores = 0;
        for (List<TailEntry> entries : List.of(c.listed(), c.dropped())) {
            for (TailEntry e : entries) {
                if (e.score() < level) {
                    continue;
                }
                scores++;
                cohort.merge(e.identity() < 0 ? "(none)" : adaptive.cohortName(e.identity()), 1L, Long::sum);
                String who;
                if (FLOOD_CAMERA.equals(e.camera())) {
                    who = "(flood)";
                } else if (e.source() < 0) {
                    // templateSample(n) takes rows k·rows/n
                    int row = (int) ((-e.source() - 1) * rowSubject.size() / primed);
                    who = "(priming) " + rowSubject.get(row);
                } else {
                    who = order.get((int) e.source()).identity();
                }
                probes.merge(who, 1L, Long::sum);
            }
        }
        long unlisted = Math.round(
                c.histogram().fractionAtOrAbove(level) * c.histogram().count());
        return new TailComposition(level, scores + unlisted, unlisted, top(cohort, 5), top(probes, 5));
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * The lowest threshold whose FPIR on these non-mated scores is at most α: just above the (⌊αn⌋+1)-th
     * highest score. (With 12 non-mated probes and α = 0.01 that is above the highest one: no false alarm
     * is allowed.)
     */
    static double oracle(double[] nonMatedBest, double alpha) {
        if (nonMatedBest.length == 0) {
            return -1;
        }
        double[] sorted = nonMatedBest.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(alpha * sorted.length + 1e-9);
        return Math.nextUp(sorted[sorted.length - 1 - Math.min(allowed, sorted.length - 1)]);
    }

    private static FaceObservation observation(String camera, int sequence, float[] embedding, FaceQuality quality) {
        return new FaceObservation(
                FaceObservation.idOf(camera, sequence, 0),
                camera,
                sequence,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                100,
                100,
                EVAL_BOX,
                EVAL_LANDMARKS,
                quality,
                embedding,
                "eval",
                null);
    }

    private static Rates adaptiveRates(double threshold, List<Outcome> outcomes) {
        return rates(FpirPolicy.POLICY, threshold, outcomes, Outcome::adaptiveAccepted);
    }

    private static Rates fixedRates(String name, double t, List<Outcome> outcomes) {
        return rates(name, t, outcomes, o -> o.best() >= t);
    }

    /** DIR at rank 1 (accepted and the right subject) over mated outcomes, FPIR (accepted) over non-mated ones. */
    private static Rates rates(String name, double threshold, List<Outcome> outcomes, Predicate<Outcome> accepted) {
        long m = 0;
        long hits = 0;
        long nm = 0;
        long fp = 0;
        for (Outcome o : outcomes) {
            if (o.mated()) {
                m++;
                hits += o.rankOneCorrect() && accepted.test(o) ? 1 : 0;
            } else {
                nm++;
                fp += accepted.test(o) ? 1 : 0;
            }
        }
        return new Rates(name, threshold, ratio(hits, m), ratio(fp, nm), m, nm);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}

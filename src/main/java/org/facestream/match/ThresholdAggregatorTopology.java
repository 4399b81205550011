package org.facestream.match;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.CohortFlag;
import org.facestream.events.EventSerdes;
import org.facestream.events.JsonSerde;
import org.facestream.events.NullScoreReport;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.FpirThresholdEstimator;
import org.facestream.match.threshold.MergedWindow;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreSketch;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threshold aggregator (application id {@code facestream-thresholds}): merges every matcher instance's
 * null-score window and publishes the versioned threshold all instances decide with. Its described form is
 * checked in as {@code topologies/threshold-aggregator.txt}.
 *
 * <pre>
 * facestream.null-scores.v1 -> null-scores-source -> aggregate-thresholds -> thresholds-sink -> facestream.thresholds.v1
 *                                                     [null-scores-by-instance] \-> audit-sink -> facestream.audit.v1
 *                                                     [threshold-by-policy]      \-> audit-heads-sink -> facestream.audit-heads.v1
 *                                                     [audit-chain-by-writer]
 * </pre>
 *
 * <ul>
 *   <li>One partition in, one task: the threshold is global, so one place must see every instance's window.
 *       The windows are small (sparse 8192-bin histograms) and arrive every few seconds per instance.
 *   <li>A report is an instance's whole window and replaces its previous one, so merging is a sum over the
 *       latest report per instance ({@code null-scores-by-instance}); reports older than the stored one are
 *       ignored and instances silent for {@code staleAfter} drop out, so a dead instance stops counting.
 *   <li>Reports carry their windows' tail lists (the top scores with the cohort identity and camera behind
 *       each): the merged lists are capped per cohort identity and per camera before the quantile is read
 *       ({@link FpirThresholdEstimator#estimate(MergedWindow, int, int, int, int)}), so no duplicate identity in
 *       the cohort and no single camera owns the tail, whichever instance saw it. Reports of earlier versions
 *       carry no list and are read uncapped.
 *   <li>Every accepted report yields a new {@link ThresholdState} with the next version
 *       ({@code threshold-by-policy} holds the last one: rise-fast/fall-slow needs it, and versions must
 *       survive restarts).
 *   <li>Every published version is also an audit record ({@code threshold-published}) on its own hash chain,
 *       whose head ({@code audit-chain-by-writer}) is a logged store: with exactly-once processing the
 *       threshold, the audit record and the new head commit together, so a restarted or moved task continues
 *       the chain where it stood, never forking it or leaving a gap. When the store is empty (a new
 *       application, or one reset) a new chain starts. Records are sealed under the audit key and each new
 *       head is checkpointed on {@code facestream.audit-heads.v1} in the same transaction, as every writer's.
 *   <li>Cohort hygiene flags travel in the reports; when a cohort identity starts (or stops) looking like an
 *       enrolled subject in any live instance's report, the same chain gets a {@code cohort-identity-flagged}
 *       (or {@code cohort-identity-cleared}) record naming the identity, the subject and the cosine.
 * </ul>
 * Unreadable reports are logged, counted ({@link ThresholdMetrics}) and skipped: a statistic missing one
 * window is harmless, a stopped aggregator is not.
 */
public final class ThresholdAggregatorTopology {
    public static final String NULL_SCORES_SOURCE = "null-scores-source";
    public static final String AGGREGATE = "aggregate-thresholds";
    public static final String THRESHOLDS_SINK = "thresholds-sink";
    public static final String NULL_SCORES_BY_INSTANCE = "null-scores-by-instance";
    public static final String THRESHOLD_BY_POLICY = "threshold-by-policy";
    public static final String AUDIT_SINK = "audit-sink";
    public static final String AUDIT_HEADS_SINK = "audit-heads-sink";
    public static final String AUDIT_CHAIN_BY_WRITER = "audit-chain-by-writer";
    /** Who publishes thresholds, as audit records name it. */
    public static final String AUDIT_ACTOR = AuditEntry.service("facestream-thresholds");

    private static final String AUDIT_WRITER = "thresholds";

    private static final Logger LOG = LoggerFactory.getLogger(ThresholdAggregatorTopology.class);

    /**
     * @param policy the policy (its β, α and guards must equal the matchers')
     * @param staleAfter an instance whose last report is older than this (relative to the newest report) no
     *     longer counts
     * @param auditKeys the audit key its records and checkpoints are sealed under
     */
    public record Config(FpirPolicy policy, Duration staleAfter, AuditKeyring auditKeys) {
        public Config {
            Objects.requireNonNull(policy, "policy");
            if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("expected a positive staleAfter, found " + staleAfter);
            }
            Objects.requireNonNull(auditKeys, "auditKeys");
        }
    }

    private ThresholdAggregatorTopology() {}

    static JsonSerde<AuditChain> chainSerde() {
        return new JsonSerde<>(AuditChain.class);
    }

    /** The aggregator counting into a registry of its own (unread): for describing and tests that only read topics. */
    public static Topology build(Config cfg) {
        return build(cfg, new ThresholdMetrics(new MetricsRegistry()));
    }

    /** The aggregator counting into {@code metrics}. */
    public static Topology build(Config cfg, ThresholdMetrics metrics) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(metrics, "metrics");
        Topology topology = new Topology();
        topology.addSource(
                NULL_SCORES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.NULL_SCORES);
        topology.addProcessor(AGGREGATE, () -> new Aggregator(cfg, metrics), NULL_SCORES_SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(NULL_SCORES_BY_INSTANCE),
                        Serdes.String(),
                        EventSerdes.nullScores()),
                AGGREGATE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(THRESHOLD_BY_POLICY), Serdes.String(), EventSerdes.thresholds()),
                AGGREGATE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(AUDIT_CHAIN_BY_WRITER), Serdes.String(), chainSerde()),
                AGGREGATE);
        topology.addSink(
                THRESHOLDS_SINK, Topics.THRESHOLDS, new StringSerializer(), EventSerdes.thresholds(), AGGREGATE);
        topology.addSink(AUDIT_SINK, Topics.AUDIT, new StringSerializer(), EventSerdes.audit(), AGGREGATE);
        topology.addSink(
                AUDIT_HEADS_SINK, Topics.AUDIT_HEADS, new StringSerializer(), EventSerdes.auditHeads(), AGGREGATE);
        return topology;
    }

    /** The {@code aggregate-thresholds} processor; the estimate itself is {@link FpirThresholdEstimator}. */
    static final class Aggregator implements Processor<String, byte[], String, Object> {
        private final Config cfg;
        private final ThresholdMetrics metrics;
        private final FpirThresholdEstimator estimator;
        private final JsonSerde<NullScoreReport> reports = EventSerdes.nullScores();
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, NullScoreReport> byInstance;
        private KeyValueStore<String, ThresholdState> byPolicy;
        private KeyValueStore<String, AuditChain> chains;

        Aggregator(Config cfg, ThresholdMetrics metrics) {
            this.cfg = cfg;
            this.metrics = metrics;
            this.estimator = new FpirThresholdEstimator(cfg.policy());
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.byInstance = context.getStateStore(NULL_SCORES_BY_INSTANCE);
            this.byPolicy = context.getStateStore(THRESHOLD_BY_POLICY);
            this.chains = context.getStateStore(AUDIT_CHAIN_BY_WRITER);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                LOG.warn("skipping a null-score report without an instance key");
                metrics.skipped();
                return;
            }
            if (record.value() == null) {
                byInstance.delete(record.key()); // an instance that shut down cleanly withdraws its window
                return;
            }
            NullScoreReport report;
            try {
                report = reports.deserialize(Topics.NULL_SCORES, record.value());
            } catch (SerializationException e) {
                LOG.warn("skipping unreadable null-score report of instance {}: {}", record.key(), e.getMessage());
                metrics.skipped();
                return;
            }
            String policyId = cfg.policy().policyId();
            if (!policyId.equals(report.policyId()) || !record.key().equals(report.instanceId())) {
                LOG.warn(
                        "skipping null-score report of instance {}: expected policy {} and key {}, found {} and {}",
                        report.instanceId(),
                        policyId,
                        report.instanceId(),
                        report.policyId(),
                        record.key());
                metrics.skipped();
                return;
            }
            NullScoreSketch sketch;
            try {
                sketch = NullScoreReports.sketch(report);
                NullScoreReports.entries(report);
            } catch (IllegalArgumentException e) {
                // the JSON read but the sketch or the tail inside it does not: merging it would fail every later
                // estimate
                LOG.warn("skipping null-score report of instance {}: {}", record.key(), e.getMessage());
                metrics.skipped();
                return;
            }
            int bins = sketch.bins();
            if (bins != NullScoreSketch.DEFAULT_BINS) {
                // sketches only merge bin by bin: one of another size would fail every later merge, not just this one
                LOG.warn(
                        "skipping null-score report of instance {}: expected a sketch of {} bins, found {}",
                        report.instanceId(),
                        NullScoreSketch.DEFAULT_BINS,
                        bins);
                metrics.skipped();
                return;
            }
            NullScoreReport previous = byInstance.get(report.instanceId());
            if (previous != null && report.reportedAt().isBefore(previous.reportedAt())) {
                metrics.skipped();
                return; // reordered or replayed: the stored window is newer
            }
            metrics.accepted();
            Map<String, CohortFlag> flagsBefore = flags(null);
            byInstance.put(report.instanceId(), report);

            Instant cutoff = report.reportedAt().minus(cfg.staleAfter());
            List<NullScoreReport> merged = new ArrayList<>();
            List<String> stale = new ArrayList<>();
            int galleryN = 0;
            int galleryTemplates = 0;
            try (KeyValueIterator<String, NullScoreReport> it = byInstance.all()) {
                while (it.hasNext()) {
                    KeyValue<String, NullScoreReport> kv = it.next();
                    if (kv.value.reportedAt().isBefore(cutoff)) {
                        stale.add(kv.key);
                    } else if (kv.value.cohortK() == report.cohortK()) {
                        merged.add(kv.value); // every stored report's sketch and tail were read when accepted
                        galleryN = Math.max(galleryN, kv.value.galleryN());
                        galleryTemplates = Math.max(galleryTemplates, kv.value.effectiveGalleryTemplates());
                    }
                }
            }
            stale.forEach(byInstance::delete);
            Map<String, CohortFlag> flagsAfter = flags(cutoff);
            MergedWindow window = MergedWindow.of(merged);
            ThresholdState last = byPolicy.get(policyId);
            FpirThresholdEstimator.Estimate e = estimator.estimate(
                    window,
                    Math.max(2, galleryN),
                    Math.max(2, galleryTemplates),
                    report.cohortK(),
                    report.effectiveCohortTemplates());
            ThresholdState next = estimator.next(last, e, galleryN, report.cohortK(), report.reportedAt());
            boolean largeMove = estimator.isLargeMove(last, next);
            metrics.published(largeMove, next);
            if (largeMove) {
                LOG.warn(
                        "threshold {} estimate moved from {} to {} (applied {}), version {}",
                        policyId,
                        last.value(),
                        next.rawValue(),
                        next.value(),
                        next.version());
            }
            byPolicy.put(policyId, next);
            context.forward(new Record<>(policyId, next, record.timestamp()), THRESHOLDS_SINK);
            audit(last, next, flagsBefore, flagsAfter, record.timestamp());
        }

        /** The hygiene flags of the stored reports (those reported at or after {@code since}, when given), by identity. */
        private Map<String, CohortFlag> flags(Instant since) {
            Map<String, CohortFlag> out = new TreeMap<>();
            try (KeyValueIterator<String, NullScoreReport> it = byInstance.all()) {
                while (it.hasNext()) {
                    NullScoreReport r = it.next().value;
                    if (since == null || !r.reportedAt().isBefore(since)) {
                        r.flags().forEach(f -> out.putIfAbsent(f.identity(), f));
                    }
                }
            }
            return out;
        }

        /**
         * The version's audit record, after a genesis record when this writer has no chain yet, and the hygiene
         * flags that appeared or went since the last report.
         */
        private void audit(
                ThresholdState last,
                ThresholdState next,
                Map<String, CohortFlag> flagsBefore,
                Map<String, CohortFlag> flagsAfter,
                long timestamp) {
            String key = AUDIT_WRITER + "/" + next.policyId();
            AuditChain chain = chains.get(key);
            List<AuditRecord> out = new ArrayList<>();
            if (chain == null) {
                // random, so that a reset application never continues (and forks) the chain of its earlier life
                String id = ("thresholds-" + next.policyId()).replaceAll("[^A-Za-z0-9._:@-]", "-") + "-"
                        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
                chain = AuditChain.start(id);
                Map<String, String> d = new TreeMap<>(Map.of("writer", AUDIT_WRITER, "policy", next.policyId()));
                AuditRecord genesis = chain.seal(
                        new AuditEntry(
                                next.updatedAt(), AUDIT_ACTOR, AuditRecord.CHAIN_STARTED, null, new TreeMap<>(d)),
                        cfg.auditKeys());
                out.add(genesis);
                chain = chain.after(genesis);
            }
            List<AuditEntry> entries = new ArrayList<>();
            flagsAfter.forEach((identity, f) -> {
                if (!flagsBefore.containsKey(identity)) {
                    entries.add(flagEntry(next, f, AuditRecord.COHORT_IDENTITY_FLAGGED));
                }
            });
            flagsBefore.forEach((identity, f) -> {
                if (!flagsAfter.containsKey(identity)) {
                    entries.add(flagEntry(next, f, AuditRecord.COHORT_IDENTITY_CLEARED));
                }
            });
            entries.add(new AuditEntry(
                    next.updatedAt(),
                    AUDIT_ACTOR,
                    AuditRecord.THRESHOLD_PUBLISHED,
                    null,
                    thresholdDetails(last, next)));
            for (AuditEntry entry : entries) {
                AuditRecord sealed = chain.seal(entry, cfg.auditKeys());
                out.add(sealed);
                chain = chain.after(sealed);
            }
            chains.put(key, chain);
            for (AuditRecord r : out) {
                context.forward(new Record<>(r.chainId(), r, timestamp), AUDIT_SINK);
            }
            // the chain's new head (its last record), checkpointed in the same transaction
            AuditRecord head = out.get(out.size() - 1);
            context.forward(
                    new Record<>(head.chainId(), AuditHead.of(head, cfg.auditKeys()), timestamp), AUDIT_HEADS_SINK);
            metrics.audited(out.size());
        }
    }

    private static AuditEntry flagEntry(ThresholdState next, CohortFlag f, String action) {
        TreeMap<String, String> d = new TreeMap<>();
        d.put("policy", next.policyId());
        d.put("cohort.identity", f.identity());
        d.put("cosine", Double.toString(f.cosine()));
        return new AuditEntry(next.updatedAt(), AUDIT_ACTOR, action, f.subjectId(), d);
    }

    /** What an audit record of a threshold version says: enough to trace any decision to its estimate. */
    static TreeMap<String, String> thresholdDetails(ThresholdState last, ThresholdState next) {
        TreeMap<String, String> d = new TreeMap<>();
        d.put("policy", next.policyId());
        d.put("version", Long.toString(next.version()));
        d.put("value", Double.toString(next.value()));
        d.put("raw.value", Double.toString(next.rawValue()));
        d.put("method", next.method());
        d.put("alpha", Double.toString(next.alpha()));
        d.put("level", Double.toString(next.level()));
        d.put("samples", Long.toString(next.samples()));
        d.put("gallery.n", Integer.toString(next.galleryN()));
        d.put("cohort.k", Integer.toString(next.cohortK()));
        if (last != null) {
            d.put("previous.value", Double.toString(last.value()));
            d.put("previous.version", Long.toString(last.version()));
        }
        if (next.recentRaw() != null && !next.recentRaw().isEmpty()) {
            d.put(
                    "recent.raw",
                    String.join(
                            ",",
                            next.recentRaw().stream()
                                    .map(v -> Double.toString(v))
                                    .toList()));
        }
        ThresholdState.TailAudit tail = next.tail();
        if (tail != null) {
            d.put("capped.identities", Integer.toString(tail.cappedIdentities()));
            d.put("capped.scores", Long.toString(tail.cappedScores()));
            d.put("capped.cameras", Long.toString(tail.cappedCameras()));
            d.put("excluded.identities", Integer.toString(tail.excludedIdentities()));
            d.put("same-person.exclusions", Long.toString(tail.samePersonExclusions()));
            d.put("list.exhausted", Boolean.toString(tail.listExhausted()));
            if (!tail.topCapped().isEmpty()) {
                d.put(
                        "top.capped",
                        String.join(
                                ",",
                                tail.topCapped().stream()
                                        .map(c -> c.identity() + ":" + c.scores())
                                        .toList()));
            }
        }
        return d;
    }
}

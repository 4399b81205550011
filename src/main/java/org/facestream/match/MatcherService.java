package org.facestream.match;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditKeyring;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GallerySearch;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.track.TrackFusion;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the matcher topology as the Kafka Streams application {@code facestream-matcher}: exactly-once v2,
 * RocksDB state in a directory, metrics in the process's {@link MetricsRegistry}. With the adaptive policy it
 * also runs the threshold aggregator ({@code facestream-thresholds}); its input topic has one partition, so
 * one aggregator is active however many matchers run. Thread-safe start/close.
 */
public final class MatcherService implements AutoCloseable {
    public static final String APPLICATION_ID = "facestream-matcher";
    public static final String AGGREGATOR_ID = "facestream-thresholds";
    private static final Logger LOG = LoggerFactory.getLogger(MatcherService.class);
    /** How often a matcher sends its null-score window with the adaptive policy. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    /**
     * One matcher instance.
     *
     * @param matcher what is compared
     * @param threshold fixed or adaptive
     * @param tracking per face or per track
     * @param kafkaSettings the Kafka client settings (bootstrap, security) both applications start from
     * @param stateDir RocksDB state of the matcher (the aggregator's under {@code aggregator/})
     * @param instanceId this instance's id: client ids, and the key of its null-score reports (stable across
     *     restarts, unique among instances)
     */
    public record Spec(
            MatcherConfig matcher,
            ThresholdSettings threshold,
            Tracking tracking,
            Map<String, Object> kafkaSettings,
            Path stateDir,
            String instanceId) {
        public Spec {
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(tracking, "tracking");
            kafkaSettings = Collections.unmodifiableMap(
                    new LinkedHashMap<>(Objects.requireNonNull(kafkaSettings, "kafkaSettings")));
            Objects.requireNonNull(stateDir, "stateDir");
            if (instanceId == null || instanceId.isBlank()) {
                throw new IllegalArgumentException("expected an instance id, found none");
            }
        }

        /**
         * The instance the configuration describes: pack, threshold ({@code matcher.threshold} or the pack's,
         * or the adaptive policy at {@code matcher.target.fpir}), top-k, tracks, state directory (a temporary
         * one when unset), Kafka settings.
         *
         * @param cohort the impostor cohort (empty when none is configured); asked only for the adaptive policy
         */
        public static Spec from(FaceStreamConfig cfg, String instanceId, Supplier<Optional<CohortScorer>> cohort) {
            ModelPack pack = VisionSetup.pack(cfg);
            MatcherConfig matcher = new MatcherConfig(
                    cfg.integer(FaceStreamConfig.MATCH_TOP_K),
                    pack.id(),
                    pack.embeddingDimension(),
                    false,
                    GallerySearch.parse(cfg.string(FaceStreamConfig.SEARCH_STORAGE)));
            ThresholdSettings threshold = "adaptive-fpir".equals(cfg.string(FaceStreamConfig.THRESHOLD_POLICY))
                    ? new ThresholdSettings.AdaptiveFpir(
                            FpirPolicy.defaults(FpirPolicy.POLICY, cfg.decimal(FaceStreamConfig.TARGET_FPIR)),
                            cohort.get(),
                            REPORT_EVERY)
                    : new ThresholdSettings.Fixed(VisionSetup.threshold(cfg));
            Tracking tracking = cfg.bool(FaceStreamConfig.TRACKS)
                    ? Tracking.perTrack(TrackFusion.Config.defaults())
                    : Tracking.PER_FACE;
            String dir = cfg.string(FaceStreamConfig.STATE_DIR);
            Path state = dir.isBlank()
                    ? Path.of(System.getProperty("java.io.tmpdir"), "facestream-matcher-state")
                    : Path.of(dir);
            return new Spec(matcher, threshold, tracking, cfg.kafkaClientSettings(), state, instanceId);
        }
    }

    private final KafkaStreams streams;
    private final KafkaStreams aggregator;
    private final MatcherMetrics metrics;
    private final GalleryIndex index;
    private final AdaptiveThreshold adaptive;

    /**
     * The matcher of {@code spec} (and with the adaptive policy the aggregator), not started.
     *
     * @param keys the master keys that unwrap the subjects' data keys
     * @param auditKeys the audit key the adaptive policy's aggregator seals its audit records under
     * @param registry where every series of the matcher (and the aggregator) is counted
     */
    public MatcherService(Spec spec, MasterKeys keys, AuditKeyring auditKeys, MetricsRegistry registry) {
        metrics = new MatcherMetrics(registry);
        index = MatcherTopology.newIndex(spec.matcher());
        ThresholdMode mode = spec.threshold().mode(index, spec.instanceId());
        metrics.follow(mode);
        metrics.follow(index);
        Topology topology = MatcherTopology.build(new MatcherTopology.Spec(
                spec.matcher(), keys, mode, spec.tracking(), metrics, index, Clock.systemUTC()));
        switch (mode) {
            case ThresholdMode.Fixed fixed -> {
                adaptive = null;
                aggregator = null;
            }
            case ThresholdMode.Adaptive a -> {
                adaptive = a.policy();
                Topology aggregate = ThresholdAggregatorTopology.build(
                        new ThresholdAggregatorTopology.Config(
                                adaptive.policy(), a.reporting().interval().multipliedBy(10), auditKeys),
                        new ThresholdMetrics(registry));
                aggregator = new KafkaStreams(
                        aggregate,
                        properties(
                                AGGREGATOR_ID,
                                spec.kafkaSettings(),
                                spec.stateDir().resolve("aggregator"),
                                spec.instanceId()));
            }
        }
        streams = new KafkaStreams(
                topology, properties(APPLICATION_ID, spec.kafkaSettings(), spec.stateDir(), spec.instanceId()));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("matcher stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** The service {@code cfg} describes ({@link Spec#from}), counting into {@code registry}. */
    public static MatcherService fromConfig(
            FaceStreamConfig cfg,
            MasterKeys keys,
            AuditKeyring auditKeys,
            String instanceId,
            Supplier<Optional<CohortScorer>> cohort,
            MetricsRegistry registry) {
        return new MatcherService(Spec.from(cfg, instanceId, cohort), keys, auditKeys, registry);
    }

    private static Properties properties(
            String applicationId, Map<String, Object> kafkaSettings, Path stateDir, String instanceId) {
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instanceId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // one broker in the demo and tests; a production cluster overrides this with kafka.replication.factor
        p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // identity events are a live feed: commit (and make them visible) often
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create state directory " + stateDir + ": " + e.getMessage(), e);
        }
        return p;
    }

    public MatcherMetrics metrics() {
        return metrics;
    }

    /** The adaptive policy, or null with a fixed threshold. */
    public AdaptiveThreshold adaptive() {
        return adaptive;
    }

    /** Starts the application(s) and waits until the matcher is RUNNING (gallery restored) or fails. */
    public void start(Duration timeout) throws InterruptedException {
        try {
            if (aggregator != null) {
                aggregator.start();
            }
            streams.start();
        } catch (StreamsException e) {
            // e.g. the global thread's first fetch refused (credentials): name the cause in one line
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalStateException(
                    "matcher failed to start: " + root.getClass().getSimpleName() + ": " + root.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("matcher failed to start: state " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "matcher not running after " + timeout.toSeconds() + " s (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }

    /** True while this instance's gallery index holds {@code subjectId} (erasure waits for false). */
    public boolean holds(String subjectId) {
        return index.contains(subjectId);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        if (aggregator != null) {
            aggregator.close(Duration.ofSeconds(30));
        }
    }
}

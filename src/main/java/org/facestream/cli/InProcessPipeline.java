package org.facestream.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.facestream.api.ApiRuntime;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditLogs;
import org.facestream.config.ApiSettings;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.config.MasterKeySetup;
import org.facestream.config.VisionSetup;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.events.GalleryRecord;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.kafka.ConsumerGroupLag;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.MatcherService;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.worker.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM, as {@code demo}, {@code bench pipeline} and {@code bench soak} run it: a
 * real broker with the catalogue's topics, the pipeline's audit chain (writer {@code demo}, its redacted
 * configuration first), the gallery processor, the gallery enrolled through the {@link EnrollmentService}
 * (sealed, each subject with its audit record), the matcher running with it loaded, the identity tap reading, optionally the API (with the
 * keys of {@code api.keys.file}, or one ephemeral admin key printed to stderr), and the worker pool; cameras
 * are added with {@link #openCamera}. {@link #close} stops everything in reverse order, the audit chain just
 * before the broker. Not thread-safe; one owner.
 */
final class InProcessPipeline implements AutoCloseable {
    /** The audit writer (role) of the in-process pipeline. */
    static final String AUDIT_WRITER = "demo";

    private static final Logger LOG = LoggerFactory.getLogger(InProcessPipeline.class);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private FaceStreamConfig cfg;
    private MetricsRegistry metrics;
    private Admin admin;
    private AuditLog audit;
    private MatcherService matcher;
    private IdentityEventTap tap;
    private Thread tapThread;

    private InProcessPipeline() {}

    /**
     * What the pipeline starts with.
     *
     * @param common the command's options (configuration file, -D keys, models)
     * @param overrides the command's own keys (fps, thumbnails, ...)
     * @param dir broker and state directory
     * @param subjects the photos of each subject enrolled before anything runs: one template per photo ({@link
     *     Enroller#everyTemplate}), clustered into sub-centres as every enrollment is
     * @param events where the tap prints each identity event as a JSON line; empty for nowhere
     * @param apiPort serve the REST API and dashboard on this port; empty for no API
     * @param syntheticSubjects people who never appear, enrolled after {@code subjects} with one random unit
     *     template each (seeded), through the same enrollment path: a large gallery for benchmarks
     */
    record Setup(
            CommonOptions common,
            Map<String, String> overrides,
            Path dir,
            Map<String, List<Path>> subjects,
            Optional<PrintStream> events,
            OptionalInt apiPort,
            int syntheticSubjects) {
        Setup {
            overrides = Map.copyOf(overrides);
            subjects = Collections.unmodifiableMap(new LinkedHashMap<>(subjects));
            if (syntheticSubjects < 0) {
                throw new IllegalArgumentException("expected syntheticSubjects >= 0, found " + syntheticSubjects);
            }
        }

        /** No synthetic subjects. */
        Setup(
                CommonOptions common,
                Map<String, String> overrides,
                Path dir,
                Map<String, List<Path>> subjects,
                Optional<PrintStream> events,
                OptionalInt apiPort) {
            this(common, overrides, dir, subjects, events, apiPort, 0);
        }
    }

    /** Enrolls the subjects, then starts the pipeline; every stage reports into {@code metrics}. */
    static InProcessPipeline start(Setup setup, MetricsRegistry metrics) throws Exception {
        CommonOptions common = setup.common();
        Map<String, String> overrides = setup.overrides();
        Path dir = setup.dir();
        Map<String, GalleryRecord> gallery = enroll(common.resolve(overrides), setup.subjects(), metrics);
        InProcessPipeline p = new InProcessPipeline();
        p.metrics = metrics;
        try {
            p.broker = p.keep(EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, Map.of()));
            Map<String, String> o = new LinkedHashMap<>(overrides);
            o.put(FaceStreamConfig.BOOTSTRAP, p.broker.bootstrapServers());
            if (common.resolve(overrides).string(FaceStreamConfig.STATE_DIR).isBlank()) {
                o.put(FaceStreamConfig.STATE_DIR, dir.resolve("matcher-state").toString());
            }
            p.cfg = common.resolve(o);
            // one master key for enrollment, matcher and API; ephemeral unless configured, so the gallery dies with it
            MasterKeys keys = MasterKeySetup.orEphemeral(p.cfg);
            // likewise the audit key: the demo's audit log lives and dies with its broker
            var auditKeys = AuditKeySetup.orEphemeral(p.cfg);
            p.admin = p.keep(Admin.create(p.cfg.kafkaClientSettings()));
            TopicCatalogue.load().ensureTopics(p.admin);
            p.audit = p.keep(AuditLogs.open(p.cfg, AUDIT_WRITER, auditKeys, metrics));
            p.keep(new GalleryService(p.cfg.kafkaClientSettings(), keys, auditKeys, "demo", metrics))
                    .start(Duration.ofMinutes(2));
            KafkaGalleryCommands commands = p.keep(
                    KafkaGalleryCommands.start(p.cfg.kafkaClientSettings(), "facestream-demo", Duration.ofSeconds(30)));
            EnrollmentService enrollment =
                    new EnrollmentService(commands, keys, Enroller.MAX_SUB_CENTERS, Duration.ofMinutes(1));
            for (GalleryRecord photos : gallery.values()) {
                enrollment.enroll(photos, null, Origin.of(AuditLogs.person(null), AUDIT_WRITER));
            }
            LOG.info("enrolled {}", gallery.keySet());
            SyntheticSubjects.enroll(enrollment, VisionSetup.pack(p.cfg), setup.syntheticSubjects());
            p.matcher = p.keep(MatcherService.fromConfig(
                    p.cfg, keys, auditKeys, "demo", () -> CohortLoader.fromConfig(p.cfg), metrics));
            p.matcher.start(Duration.ofMinutes(2));
            awaitGallery(p.matcher, gallery.size() + setup.syntheticSubjects());
            if (setup.apiPort().isPresent()) {
                FaceAnalyzer portraits = p.keep(FaceAnalyzer.forPortraits(p.cfg, metrics));
                p.keep(ApiRuntime.startForDemo(
                        p.cfg,
                        keys,
                        ApiSettings.defaults(setup.apiPort().getAsInt()),
                        ApiWiring.matcherInProcess(p.cfg, p.matcher, new Enroller(portraits, metrics)::everyTemplate),
                        p.audit,
                        System.err,
                        metrics));
            }
            p.tap = new IdentityEventTap(
                    p.cfg.kafkaClientSettings(), setup.events().orElse(null), metrics);
            p.tapThread = Thread.ofPlatform().name("identity-tap").start(p.tap);
            p.keep(() -> {
                p.tap.close();
                p.tapThread.join(10_000);
            });
            p.keep(WorkerPool.start(p.cfg, "demo", metrics));
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    /** Models and enrollment photos are checked before anything starts, so a bad path fails in a second. */
    private static Map<String, GalleryRecord> enroll(
            FaceStreamConfig base, Map<String, List<Path>> subjects, MetricsRegistry metrics) {
        Map<String, GalleryRecord> gallery = new LinkedHashMap<>();
        try (FaceAnalyzer portraits = FaceAnalyzer.forPortraits(base, metrics)) {
            Enroller enroller = new Enroller(portraits, metrics);
            subjects.forEach((name, images) -> gallery.put(name, enroller.everyTemplate(name, images)));
        }
        return gallery;
    }

    /** The registry every stage of this pipeline reports into. */
    MetricsRegistry metrics() {
        return metrics;
    }

    /** The resolved configuration, bootstrap pointing at the in-process broker. */
    FaceStreamConfig cfg() {
        return cfg;
    }

    Admin admin() {
        return admin;
    }

    /** The pipeline's audit chain. */
    AuditLog audit() {
        return audit;
    }

    IdentityEventTap tap() {
        return tap;
    }

    MatcherService matcher() {
        return matcher;
    }

    /** Ingest for one camera into this pipeline's broker; the caller runs and closes it. */
    CameraIngest openCamera(String uri, IngestSettings settings) {
        return CameraIngest.open(uri, cfg.kafkaClientSettings(), broker.bootstrapServers(), settings);
    }

    /** Waits until the worker and the matcher have committed past everything and the tap read every event. */
    void drain() throws Exception {
        drain(Duration.ofMinutes(10));
    }

    /**
     * As {@link #drain()}, giving the worker {@code timeout} (half of it again for the matcher and the tap).
     *
     * @throws IllegalStateException when a stage did not drain in time
     */
    void drain(Duration timeout) throws Exception {
        ConsumerGroupLag lag = new ConsumerGroupLag(admin);
        lag.awaitDrained(WorkerConfig.GROUP_ID, Topics.FRAMES, Duration.ofMillis(300), timeout);
        lag.awaitDrained(MatcherService.APPLICATION_ID, Topics.FACES, Duration.ofMillis(300), timeout.dividedBy(2));
        Map<TopicPartition, Long> endOffsets = endOffsets(Topics.IDENTITIES);
        long deadline = System.nanoTime() + Math.max(TimeUnit.SECONDS.toNanos(60), timeout.toNanos() / 2);
        while (!tap.caughtUp(endOffsets)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("identity events not all read in time");
            }
            Thread.sleep(50);
        }
    }

    /** read_committed end offsets of every partition of {@code topic}. */
    Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions();
        Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
        partitions.forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get();
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        ends.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        opened.add(resource);
        return resource;
    }

    /** The matcher restores the gallery topic before it runs; wait until the index holds every subject. */
    private static void awaitGallery(MatcherService matcher, int subjects) throws InterruptedException {
        // 30 s, and a millisecond per subject more for the large synthetic galleries of benchmarks
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30) + TimeUnit.MILLISECONDS.toNanos(subjects);
        while (matcher.metrics().gallerySubjects() < subjects && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Workers, tap, API, matcher, audit chain, admin, broker: the reverse of the start order. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}

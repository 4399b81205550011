package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.facestream.audit.AuditTopic;
import org.facestream.config.FaceStreamConfig;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryService;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.MatcherService;
import org.facestream.match.ThresholdAggregatorTopology;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreSketch;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.CliRun;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log end to end on the real broker: {@code facestream enroll} and {@code facestream erase} by named
 * actors, the threshold aggregator (a real Kafka Streams application, exactly once) publishing before and
 * after a restart, then {@code facestream audit verify} over the topic: every chain holds; a forged record
 * produced into the topic and a record missing from a copy are each named by topic-partition@offset with
 * what was expected and found (exit 1). And the configuration records: each command's resolved configuration
 * and digest, secrets redacted.
 */
@Tag("fault")
class AuditChainFaultTest {
    private static final FpirPolicy POLICY = FpirPolicy.defaults("default", 0.01);

    @TempDir
    Path dir;

    private static EmbeddedKafkaBroker broker(Path dir) throws Exception {
        EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", b.bootstrapServers()))) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        return b;
    }

    /** Every record of the audit topic with its offset, in order. */
    private record Located(long offset, String key, byte[] value, AuditRecord record) {}

    private static List<Located> auditLog(Map<String, Object> kafka, String topic) {
        List<Located> out = new ArrayList<>();
        AuditTopic.readAll(
                kafka,
                topic,
                r -> out.add(new Located(
                        r.offset(), r.key(), r.value(), EventSerdes.audit().deserialize(r.topic(), r.value()))));
        return out;
    }

    private static List<Located> awaitRecords(Map<String, Object> kafka, String what, Predicate<List<Located>> done) {
        return Await.until(
                what + " on the audit topic", Duration.ofSeconds(90), () -> auditLog(kafka, Topics.AUDIT), done);
    }

    private static long count(List<Located> log, String action) {
        return log.stream().filter(l -> l.record().action().equals(action)).count();
    }

    private KafkaStreams aggregator(String bootstrap) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, MatcherService.AGGREGATOR_ID);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("aggregator-state").toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // a restarted instance waits for its old member to expire: keep that short in a test
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);
        KafkaStreams streams = new KafkaStreams(
                ThresholdAggregatorTopology.build(
                        new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys())),
                p);
        streams.start();
        return streams;
    }

    private static void report(String bootstrap, long seed, Instant at) throws Exception {
        Random r = new Random(seed);
        NullScoreSketch s = new NullScoreSketch();
        for (int i = 0; i < 4000; i++) {
            s.add(0.1 + 0.05 * r.nextGaussian(), 0.2);
        }
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.NULL_SCORES,
                            "matcher-a",
                            EventSerdes.nullScores()
                                    .serialize(
                                            Topics.NULL_SCORES,
                                            NullScoreReports.of("matcher-a", "default", 1, 150, 30, s, 0, at))))
                    .get();
        }
    }

    /** The master key file enroll needs, made on first use. */
    private Path masterKey() {
        Path file = dir.resolve("master.key");
        if (!java.nio.file.Files.exists(file)) {
            MasterKey.generate().write(file);
        }
        return file;
    }

    /** The gallery processor that applies what enroll and erase submit, with the master key enroll seals with. */
    private GalleryService galleryProcessor(Map<String, Object> kafka) throws InterruptedException {
        GalleryService g = new GalleryService(
                kafka, MasterKeys.of(MasterKey.read(masterKey())), TestAuditKeys.keys(), "test", new MetricsRegistry());
        g.start(Duration.ofSeconds(60));
        return g;
    }

    @Test
    void theChainVerifiesAfterEnrollEraseAndThresholdPublicationsAndVerifyNamesAForgedAndAMissingRecord()
            throws Exception {
        try (EmbeddedKafkaBroker broker = broker(dir);
                GalleryService gallery = galleryProcessor(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
            CliRun enrolled = CliRun.run(
                    "enroll",
                    "--bootstrap",
                    bootstrap,
                    "--models",
                    SharedData.models().toString(),
                    "--actor",
                    "alice",
                    "-D",
                    "security.master.key.file=" + masterKey(),
                    "--subject",
                    "obama",
                    SharedData.face("people/obama/obama.jpg").toString());
            assertThat(enrolled.exit()).as(enrolled.err()).isZero();
            CliRun erased = CliRun.run("erase", "--bootstrap", bootstrap, "--actor", "bob", "--subject", "obama");
            assertThat(erased.exit()).as(erased.err()).isZero();
            assertThat(erased.err())
                    .contains("facestream erase: obama erased (data key dek-")
                    .contains(" destroyed, facestream.gallery-commands.v1-")
                    .contains(", audited as gallery-");
            assertThat(erased.out()).startsWith("What remains of obama after the erasure, and for how long:\n- ");
            CliRun unknown = CliRun.run("erase", "--bootstrap", bootstrap, "--subject", "obama");
            assertThat(unknown.exit())
                    .as("an erased subject is not erased again")
                    .isEqualTo(2);
            assertThat(unknown.err())
                    .contains(
                            "expected enrolled subjects, found no gallery record or data key of obama (0 enrolled); nothing was erased");

            // the aggregator publishes, restarts on its state, publishes again: one chain, continued
            Instant t0 = Instant.parse("2026-02-01T08:00:00Z");
            KafkaStreams streams = aggregator(bootstrap);
            report(bootstrap, 1, t0);
            List<Located> log = awaitRecords(
                    kafka, "one threshold-published record", l -> count(l, AuditRecord.THRESHOLD_PUBLISHED) == 1);
            streams.close(Duration.ofSeconds(30));
            streams = aggregator(bootstrap);
            report(bootstrap, 2, t0.plusSeconds(5));
            log = awaitRecords(
                    kafka, "two threshold-published records", l -> count(l, AuditRecord.THRESHOLD_PUBLISHED) == 2);
            streams.close(Duration.ofSeconds(30));
            List<AuditRecord> thresholds = log.stream()
                    .map(Located::record)
                    .filter(r -> r.action().equals(AuditRecord.THRESHOLD_PUBLISHED))
                    .toList();
            assertThat(thresholds).hasSize(2);
            assertThat(thresholds.get(1).chainId())
                    .as("the restarted aggregator continues its chain")
                    .isEqualTo(thresholds.get(0).chainId());
            assertThat(thresholds).extracting(AuditRecord::sequence).containsExactly(1L, 2L);
            assertThat(thresholds).extracting(r -> r.details().get("version")).containsExactly("1", "2");
            assertThat(thresholds.get(1).prevHash()).isEqualTo(thresholds.get(0).hash());

            // who did what to obama, and when
            AuditRecord enrollment = log.stream()
                    .map(Located::record)
                    .filter(r -> r.action().equals(AuditRecord.SUBJECT_ENROLLED))
                    .findFirst()
                    .orElseThrow();
            AuditRecord erasure = log.stream()
                    .map(Located::record)
                    .filter(r -> r.action().equals(AuditRecord.SUBJECT_ERASED))
                    .findFirst()
                    .orElseThrow();
            assertThat(enrollment.actor()).isEqualTo("user:alice");
            assertThat(enrollment.details())
                    .containsEntry("via", "cli")
                    .containsEntry("templates", "1")
                    .containsKeys("command", "request.id", "key.id");
            assertThat(erasure.actor()).isEqualTo("user:bob");
            assertThat(erasure.subject()).isEqualTo("obama");
            // the key destroyed is the one the record was sealed under; the gallery processor wrote both, on its chain
            assertThat(erasure.details())
                    .containsEntry("via", "cli")
                    .containsEntry("templates", "1")
                    .containsEntry("key.id", enrollment.details().get("key.id"))
                    .containsKeys("command", "request.id");
            assertThat(erasure.chainId()).startsWith("gallery-").isEqualTo(enrollment.chainId());
            assertThat(erasure.details().get("key.id")).startsWith("dek-");
            assertThat(erasure.at()).isAfter(enrollment.at());
            CliRun show = CliRun.run("audit", "show", "--bootstrap", bootstrap, "--subject", "obama");
            assertThat(show.exit()).isZero();
            assertThat(show.out().lines().toList())
                    .hasSize(2)
                    .satisfiesExactly(
                            l -> assertThat(l).contains("user:alice  subject-enrolled  obama"),
                            l -> assertThat(l).contains("user:bob  subject-erased  obama"));

            // every chain holds: enroll's and erase's (start, configuration, close), the gallery processor's (start,
            // enrollment, erasure), the aggregator's (start, two versions)
            CliRun ok = CliRun.run("audit", "verify", "--bootstrap", bootstrap);
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out())
                    .contains("audit verify: OK: " + log.size()
                            + " records of facestream.audit.v1 in 4 chains, every hash, link and mac holds under audit key "
                            + TestAuditKeys.keys().currentKeyId() + ", every checkpointed head is there")
                    .contains("(writer enroll): 3 records, sequence 0..2")
                    .contains("(writer erase): 3 records, sequence 0..2")
                    .contains("(writer gallery): 3 records, sequence 0..2")
                    .contains("(writer thresholds): 3 records, sequence 0..2");
            assertThat(log).hasSize(12);

            // a copy that lacks one record (enroll's configuration): the gap is named at the record after it
            Located missing = log.stream()
                    .filter(l -> l.record().action().equals(AuditRecord.CONFIG_RESOLVED))
                    .findFirst()
                    .orElseThrow();
            try (Admin admin = Admin.create(kafka)) {
                admin.createTopics(List.of(new NewTopic("audit-copy", 1, (short) 1)))
                        .all()
                        .get();
            }
            long nextOffset = -1;
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                boolean skipped = false;
                for (Located l : log) {
                    if (l == missing) {
                        skipped = true;
                        continue;
                    }
                    RecordMetadata md = producer.send(new ProducerRecord<>("audit-copy", l.key(), l.value()))
                            .get();
                    if (skipped
                            && nextOffset < 0
                            && l.record().chainId().equals(missing.record().chainId())) {
                        nextOffset = md.offset();
                    }
                }
            }
            CliRun gap = CliRun.run("audit", "verify", "--bootstrap", bootstrap, "--topic", "audit-copy");
            assertThat(gap.exit()).isEqualTo(1);
            assertThat(gap.out())
                    .contains(
                            "audit verify: BROKEN: audit-copy-0@" + nextOffset + " (chain "
                                    + missing.record().chainId()
                                    + ", sequence 2): expected sequence 1, found sequence 2: 1 record(s) missing after audit-copy-0@");
            assertThat(gap.out()).contains("audit verify: 1 problem(s) in 11 records of audit-copy");

            // forged records produced into the audit topic: bob's erasure claimed by mallory, and a well-hashed replay
            Located real =
                    log.stream().filter(l -> l.record() == erasure).findFirst().orElseThrow();
            AuditRecord claimed = new AuditRecord(
                    erasure.chainId(),
                    erasure.sequence(),
                    erasure.prevHash(),
                    erasure.hash(),
                    erasure.at(),
                    "user:mallory",
                    erasure.action(),
                    erasure.subject(),
                    erasure.details(),
                    erasure.keyId(),
                    erasure.mac());
            // a well-hashed record of a topic writer without the audit key (a key of its own)
            AuditRecord replay = new AuditChain(erasure.chainId(), erasure.sequence(), erasure.prevHash())
                    .seal(
                            new AuditEntry(
                                    erasure.at(),
                                    "user:mallory",
                                    AuditRecord.SUBJECT_ERASED,
                                    "biden",
                                    erasure.details()),
                            org.facestream.crypto.AuditKeys.ephemeral());
            long forgedAt;
            long replayAt;
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                forgedAt = producer.send(new ProducerRecord<>(
                                Topics.AUDIT, real.key(), EventSerdes.audit().serialize(Topics.AUDIT, claimed)))
                        .get()
                        .offset();
                replayAt = producer.send(new ProducerRecord<>(
                                Topics.AUDIT, real.key(), EventSerdes.audit().serialize(Topics.AUDIT, replay)))
                        .get()
                        .offset();
            }
            CliRun forged = CliRun.run("audit", "verify", "--bootstrap", bootstrap);
            assertThat(forged.exit()).isEqualTo(1);
            assertThat(forged.out())
                    .contains("audit verify: BROKEN: facestream.audit.v1-0@" + forgedAt + " (chain " + erasure.chainId()
                            + ", sequence 2): expected hash " + claimed.computeHash()
                            + " (recomputed over the record), found hash " + erasure.hash());
            assertThat(forged.out())
                    .contains("also: facestream.audit.v1-0@" + replayAt + " (chain " + erasure.chainId()
                            + ", sequence 2): expected a record authenticated under the audit key");
            assertThat(forged.out()).contains("audit verify: 2 problem(s) in 14 records of facestream.audit.v1");
        }
    }

    @Test
    void eachCommandRecordsItsResolvedConfigurationAndDigestWithSecretsRedacted() throws Exception {
        try (EmbeddedKafkaBroker broker = broker(dir);
                GalleryService gallery = galleryProcessor(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
            String[] args = {
                "enroll",
                "--bootstrap",
                bootstrap,
                "--models",
                SharedData.models().toString(),
                "-D",
                "matcher.top.k=7",
                "-D",
                "security.master.key.file=" + masterKey(),
                "-D",
                "kafka.ssl.key.password=hunter2",
                "--subject",
                "biden",
                SharedData.face("people/biden/biden.jpg").toString()
            };
            CliRun enrolled = CliRun.run(args);
            assertThat(enrolled.exit()).as(enrolled.err()).isZero();
            List<Located> log = auditLog(kafka, Topics.AUDIT);
            AuditRecord config = log.stream()
                    .map(Located::record)
                    .filter(r -> r.action().equals(AuditRecord.CONFIG_RESOLVED))
                    .findFirst()
                    .orElseThrow();
            FaceStreamConfig same = FaceStreamConfig.load(
                    null,
                    System.getenv(),
                    Map.of(
                            "bootstrap.servers",
                            bootstrap,
                            "models.dir",
                            SharedData.models().toString(),
                            "matcher.top.k",
                            "7",
                            "kafka.ssl.key.password",
                            "hunter2",
                            "security.master.key.file",
                            masterKey().toString()));
            assertThat(config.actor()).isEqualTo("service:facestream-enroll");
            assertThat(config.details())
                    .containsEntry("role", "enroll")
                    .containsEntry("config.sha256", same.digest())
                    .containsEntry("config.matcher.top.k", "7")
                    .containsEntry("config.kafka.ssl.key.password", "[redacted]")
                    .containsEntry("config.bootstrap.servers", bootstrap);
            AuditRecord genesis = log.get(0).record();
            assertThat(genesis.action()).isEqualTo(AuditRecord.CHAIN_STARTED);
            assertThat(genesis.details())
                    .containsEntry("writer", "enroll")
                    .containsKeys("host", "pid", "os.user", "jvm.start");
            for (Located l : log) {
                assertThat(new String(l.value(), StandardCharsets.UTF_8)).doesNotContain("hunter2");
            }
            // a different setting is a different digest; the same settings are the same digest
            assertThat(FaceStreamConfig.load(
                                    null,
                                    System.getenv(),
                                    Map.of(
                                            "bootstrap.servers",
                                            bootstrap,
                                            "models.dir",
                                            SharedData.models().toString(),
                                            "matcher.top.k",
                                            "8",
                                            "kafka.ssl.key.password",
                                            "hunter2",
                                            "security.master.key.file",
                                            masterKey().toString()))
                            .digest())
                    .isNotEqualTo(same.digest());
            assertThat(FaceStreamConfig.load(
                                    null,
                                    System.getenv(),
                                    Map.of(
                                            "bootstrap.servers",
                                            bootstrap,
                                            "models.dir",
                                            SharedData.models().toString(),
                                            "matcher.top.k",
                                            "7",
                                            "kafka.ssl.key.password",
                                            "other",
                                            "security.master.key.file",
                                            masterKey().toString()))
                            .digest())
                    .as("secrets are not part of the digest")
                    .isEqualTo(same.digest());
        }
    }
}

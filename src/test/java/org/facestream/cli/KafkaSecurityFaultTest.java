package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.audit.AuditLog;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.kafka.BrokerSecurity;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.kafka.KafkaReachability;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherService;
import org.facestream.match.ThresholdSettings;
import org.facestream.match.Tracking;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.CliRun;
import org.facestream.testing.Galleries;
import org.facestream.testing.GalleryPublisher;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.testing.TestTls;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.worker.VisionWorker;
import org.facestream.worker.WorkerClients;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security settings reach every client: with a broker that only speaks SASL (and TLS), ingest, worker,
 * matcher, enrollment (the encrypted gallery's publisher: key and sealed record) and the identity tap work when configured through {@code kafka.*} keys with the right
 * credentials, and fail within seconds with one clear message, not a hang, with wrong ones.
 */
@Tag("fault")
class KafkaSecurityFaultTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;
    private static final Map<String, String> USERS = Map.of("alice", "alice-secret");

    @TempDir
    Path dir;

    @Test
    void saslPlainClientsRunThePipelineWithTheRightPasswordAndFailFastWithAWrongOne() throws Exception {
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, Map.of(), BrokerSecurity.saslPlaintext(USERS))) {
            FaceStreamConfig good = config(broker, "alice", "alice-secret");
            Map<String, Object> kafka = good.kafkaClientSettings();
            assertThat(kafka)
                    .containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "PLAIN");
            assertThat(KafkaReachability.require(kafka, Duration.ofSeconds(10)).brokers())
                    .isEqualTo(1);
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
            }

            // the right password: enroll (its audit chain's transactional producer), ingest, worker, matcher and tap
            // all connect through kafka.* settings
            MasterKeys masterKeys = MasterKeys.ephemeral();
            try (FaceAnalyzer portraits = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK));
                    AuditLog audit = AuditLog.open(kafka, "enroll", TestAuditKeys.keys(), new MetricsRegistry())) {
                GalleryRecord obama =
                        new Enroller(portraits).enroll("obama", List.of(SharedData.face("people/obama/obama.jpg")));
                GalleryPublisher.Publication p = new GalleryPublisher(audit, masterKeys, subject -> Optional.empty())
                        .publish(obama, Galleries.enrolled(obama));
                assertThat(p.keyRecord())
                        .as("a new subject's data key is written with its record")
                        .isNotNull();
                assertThat(p.audit().details())
                        .containsEntry(
                                "gallery",
                                Topics.GALLERY + "-0@" + p.galleryRecord().offset());
            }
            Path camera = Files.createDirectories(dir.resolve("camera"));
            Files.copy(SharedData.face("people/obama/obama.jpg"), camera.resolve("0001.jpg"));
            try (CameraIngest ingest = CameraIngest.open(
                    camera.toString(), kafka, broker.bootstrapServers(), IngestSettings.defaults("cam-s"))) {
                assertThat(ingest.run().sent()).isEqualTo(1);
            }
            MatcherConfig mc = new MatcherConfig(5, PACK.id(), PACK.embeddingDimension(), false);
            WorkerConfig wc = new WorkerConfig(
                    "sasl-0", 8, 4 << 20, 40_000_000L, new FaceQuality.Gate(0.6, 6), false, Duration.ofMillis(100));
            try (FaceAnalyzer analyzer = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK));
                    VisionWorker worker =
                            new VisionWorker(wc, WorkerClients.kafka(kafka), analyzer, new MetricsRegistry());
                    MatcherService matcher = new MatcherService(
                            new MatcherService.Spec(
                                    mc,
                                    new ThresholdSettings.Fixed(PACK.defaultCosineThreshold()),
                                    Tracking.PER_FACE,
                                    kafka,
                                    dir.resolve("state"),
                                    "sasl"),
                            masterKeys,
                            TestAuditKeys.keys(),
                            new MetricsRegistry());
                    IdentityEventTap tap = new IdentityEventTap(kafka, null, new MetricsRegistry())) {
                Thread w = Thread.ofPlatform().start(worker);
                Thread t = Thread.ofPlatform().start(tap);
                matcher.start(Duration.ofMinutes(2));
                Await.until("the first identity event over SASL", Duration.ofSeconds(90), () -> tap.eventCount() >= 1);
                assertThat(tap.countsBySubject()).isEqualTo(Map.of("obama", 1));
                worker.close();
                tap.close();
                w.join(10_000);
                t.join(10_000);
            }

            // a wrong password: every command refuses in seconds with one line naming the settings to check
            String[] wrong = kafkaFlags(broker, "alice", "not-her-password");
            Path masterKeyFile = dir.resolve("master.key");
            MasterKey.generate().write(masterKeyFile);
            for (String command : List.of("matcher", "worker", "ingest")) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(List.of(wrong));
                if (command.equals("matcher")) {
                    // past the master key check (the matcher needs one before it reaches Kafka)
                    args.addAll(List.of("-D", "security.master.key.file=" + masterKeyFile));
                }
                if (command.equals("ingest")) {
                    args.addAll(List.of("--camera", "cam-s", "--source", camera.toString()));
                }
                long t0 = System.nanoTime();
                CliRun r = CliRun.run(args.toArray(String[]::new));
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertThat(r.exit()).as(command + ": " + r.err()).isEqualTo(1);
                assertThat(r.err().strip().lines()).as(command).hasSize(1);
                assertThat(r.err())
                        .startsWith(
                                "facestream " + command + ": Kafka at " + broker.bootstrapServers()
                                        + " refused the connection: SaslAuthenticationException: Authentication failed: Invalid username or password");
                assertThat(r.err())
                        .contains("check kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config");
                assertThat(seconds).as(command + " seconds").isLessThan(10);
            }

            // the clients themselves, without the start-up check, fail rather than hang
            FaceStreamConfig bad = config(broker, "alice", "not-her-password");
            Map<String, Object> p = new HashMap<>(bad.kafkaClientSettings());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            long t0 = System.nanoTime();
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.FRAMES, "cam-s", new byte[] {1}))
                                .get(30, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class, SaslAuthenticationException.class)
                        .satisfies(e -> assertThat(e instanceof SaslAuthenticationException ? e : e.getCause())
                                .isInstanceOf(SaslAuthenticationException.class));
            }
            assertThat((System.nanoTime() - t0) / 1e9).as("producer seconds").isLessThan(10);
            t0 = System.nanoTime();
            try (MatcherService matcher = new MatcherService(
                    new MatcherService.Spec(
                            mc,
                            new ThresholdSettings.Fixed(0.4),
                            Tracking.PER_FACE,
                            bad.kafkaClientSettings(),
                            dir.resolve("state-bad"),
                            "sasl-bad"),
                    masterKeys,
                    TestAuditKeys.keys(),
                    new MetricsRegistry())) {
                assertThatThrownBy(() -> matcher.start(Duration.ofSeconds(60)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(
                                "matcher failed to start: SaslAuthenticationException: Authentication failed: Invalid username or password");
            }
            assertThat((System.nanoTime() - t0) / 1e9).as("matcher seconds").isLessThan(30);
            t0 = System.nanoTime();
            try (FaceAnalyzer analyzer = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK));
                    VisionWorker worker = new VisionWorker(
                            new WorkerConfig(
                                    "sasl-bad",
                                    8,
                                    4 << 20,
                                    40_000_000L,
                                    new FaceQuality.Gate(0.6, 6),
                                    false,
                                    Duration.ofMillis(100)),
                            WorkerClients.kafka(bad.kafkaClientSettings()),
                            analyzer,
                            new MetricsRegistry())) {
                Thread w = Thread.ofPlatform().start(worker);
                assertThatThrownBy(() -> worker.awaitReady(Duration.ofSeconds(60)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(
                                "worker sasl-bad stopped: SaslAuthenticationException: Authentication failed: Invalid username or password");
                w.join(10_000);
                assertThat(w.isAlive()).isFalse();
            }
            assertThat((System.nanoTime() - t0) / 1e9).as("worker seconds").isLessThan(30);

            // no credentials at all (a PLAINTEXT client on a SASL listener): refused in seconds, naming the protocol
            assertThatThrownBy(() -> KafkaReachability.require(broker.bootstrapServers(), Duration.ofSeconds(3)))
                    .isInstanceOf(KafkaReachability.KafkaUnreachableException.class)
                    .hasMessageStartingWith("Kafka at " + broker.bootstrapServers() + " is unreachable after 3 s: ")
                    .hasMessageEndingWith(
                            "(is a broker running there, with a PLAINTEXT listener (kafka.security.protocol)?)");
        }
    }

    @Test
    void saslSslClientsConnectWithTheBrokersTrustStoreAndRefuseAnotherCertificate() throws Exception {
        BrokerSecurity.Tls tls = TestTls.generate(dir.resolve("tls"), "broker");
        BrokerSecurity.Tls stranger = TestTls.generate(dir.resolve("tls"), "stranger");
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, Map.of(), BrokerSecurity.saslSsl(USERS, tls))) {
            FaceStreamConfig good = config(broker, "alice", "alice-secret");
            assertThat(good.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL");
            assertThat(KafkaReachability.require(good.kafkaClientSettings(), Duration.ofSeconds(10))
                            .brokers())
                    .isEqualTo(1);
            try (Admin admin = Admin.create(good.kafkaClientSettings())) {
                TopicCatalogue.load().ensureTopics(admin);
            }
            try (var producer = new KafkaProducer<>(
                    good.kafkaClientSettings(), new StringSerializer(), new ByteArraySerializer())) {
                assertThat(producer.send(new ProducerRecord<>(Topics.FRAMES, "cam-t", new byte[] {1}))
                                .get(30, TimeUnit.SECONDS)
                                .offset())
                        .isZero();
            }

            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("bootstrap.servers", broker.bootstrapServers());
            broker.security().clientSettings("alice", "alice-secret").forEach((k, v) -> overrides.put("kafka." + k, v));
            overrides.put("kafka.ssl.truststore.location", stranger.trustStore().toString());
            overrides.put("kafka.ssl.truststore.password", stranger.password());
            FaceStreamConfig rogue = FaceStreamConfig.load(null, Map.of(), overrides);
            assertThatThrownBy(() -> KafkaReachability.require(rogue.kafkaClientSettings(), Duration.ofSeconds(10)))
                    .isInstanceOf(KafkaReachability.KafkaUnreachableException.class)
                    .hasMessageStartingWith("Kafka at " + broker.bootstrapServers()
                            + " refused the connection: SslAuthenticationException: ");
        }
    }

    /** The configuration a process gets from {@code -D kafka.*=...} flags for {@code user}. */
    private static FaceStreamConfig config(EmbeddedKafkaBroker broker, String user, String password) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("bootstrap.servers", broker.bootstrapServers());
        broker.security().clientSettings(user, password).forEach((k, v) -> overrides.put("kafka." + k, v));
        return FaceStreamConfig.load(null, Map.of(), overrides);
    }

    private static String[] kafkaFlags(EmbeddedKafkaBroker broker, String user, String password) {
        List<String> flags = new ArrayList<>(List.of(
                "--bootstrap",
                broker.bootstrapServers(),
                "--models",
                SharedData.models().toString()));
        broker.security()
                .clientSettings(user, password)
                .forEach((k, v) -> flags.addAll(List.of("-D", "kafka." + k + "=" + v)));
        return flags.toArray(String[]::new);
    }
}

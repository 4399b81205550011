package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.facestream.audit.ChainVerifier;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditRecord;
import org.facestream.events.CohortFlag;
import org.facestream.events.EventSerdes;
import org.facestream.events.NullScoreReport;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreWindow;
import org.facestream.match.threshold.TailEntry;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator on {@link TopologyTestDriver} (EOS v2, RocksDB) when one cohort identity duplicates an enrolled
 * subject with hundreds of probes: two matcher instances report their windows; on instance b the duplicate
 * supplies a high score for every third probe. The merged tail is capped, so the published threshold stays
 * where the clean windows put it, and the published state and its audit record name the capped identity.
 * Hygiene flags in the reports become {@code cohort-identity-flagged} and {@code -cleared} audit records.
 */
class ThresholdContaminationTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final FpirPolicy POLICY = FpirPolicy.defaults("default", 0.01);
    private static final List<String> NAMES = IntStream.range(0, 61)
            .mapToObj(i -> i == 60 ? "Hank_Stram" : "c" + i)
            .toList();
    private static final int N = 75;
    private static final int K = 30;

    @TempDir
    Path stateDir;

    private Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-thresholds");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return p;
    }

    /** An instance's window of residual null scores ~ N(0.1, 0.05) from 60 identities, smooth-max 0.2. */
    private static byte[] report(
            String instance, long seed, boolean duplicate, List<CohortFlag> flags, FpirPolicy policy, Instant at) {
        Random r = new Random(seed);
        NullScoreWindow w = new NullScoreWindow(policy, policy.windowSamples(N, N, K, K));
        w.listTail(policy.level(N, N, K, K), 60);
        for (int i = 0; i < 5000; i++) {
            boolean dup = duplicate && i % 3 == 0; // Hank_Stram is an enrolled subject with thousands of probes
            w.offer(new TailEntry(
                    dup ? 0.45 + 0.05 * r.nextGaussian() : 0.1 + 0.05 * r.nextGaussian(),
                    0.2,
                    dup ? 60 : i % 60,
                    "cam-" + i % 4,
                    i));
        }
        NullScoreReport report = NullScoreReports.of(
                instance, "default", 1, new NullScoreReports.Sizes(N, N, K, K, 60, NAMES, flags), w.contents(), 0, at);
        return EventSerdes.nullScores().serialize(Topics.NULL_SCORES, report);
    }

    private ThresholdState publish(FpirPolicy policy, boolean duplicate) {
        var cfg = new ThresholdAggregatorTopology.Config(policy, Duration.ofMinutes(5), TestAuditKeys.keys());
        try (TopologyTestDriver driver = new TopologyTestDriver(ThresholdAggregatorTopology.build(cfg), props())) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
            in.pipeInput("matcher-a", report("matcher-a", 1, false, List.of(), policy, T0));
            in.pipeInput("matcher-b", report("matcher-b", 2, duplicate, List.of(), policy, T0.plusSeconds(5)));
            List<ThresholdState> states = driver.createOutputTopic(
                            Topics.THRESHOLDS, new StringDeserializer(), EventSerdes.thresholds())
                    .readValuesToList();
            return states.get(states.size() - 1);
        }
    }

    @Test
    void aDuplicateIdentitysTailIsCappedAfterMergingAndThePublishedStateNamesIt() {
        ThresholdState clean = publish(POLICY, false);
        ThresholdState capped = publish(POLICY, true);
        ThresholdState uncapped = publish(POLICY.withContamination(FpirPolicy.Contamination.none()), true);
        assertThat(clean.samples()).isEqualTo(10_000);
        assertThat(capped.value()).isCloseTo(clean.value(), within(0.01));
        assertThat(uncapped.value())
                .as("without the cap the duplicate owns the tail")
                .isGreaterThan(clean.value() + 0.15);
        ThresholdState.TailAudit audit = capped.tail();
        assertThat(audit.cappedIdentities()).isEqualTo(1);
        assertThat(audit.topCapped()).singleElement().satisfies(c -> {
            assertThat(c.identity()).isEqualTo("Hank_Stram");
            assertThat(c.scores()).isGreaterThan(1500); // all but a few of its 1,667
        });
        assertThat(audit.listExhausted()).isFalse();
        assertThat(clean.tail().cappedIdentities()).isZero();
    }

    @Test
    void hygieneFlagsInTheReportsAreAuditedWhenTheyAppearAndWhenTheyGo() {
        MetricsRegistry registry = new MetricsRegistry();
        ThresholdMetrics metrics = new ThresholdMetrics(registry);
        var cfg = new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys());
        CohortFlag flag = new CohortFlag("Hank_Stram", "alexandra-daddario", 0.612);
        try (TopologyTestDriver driver =
                new TopologyTestDriver(ThresholdAggregatorTopology.build(cfg, metrics), props())) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, AuditRecord> audit =
                    driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), EventSerdes.audit());
            in.pipeInput("matcher-a", report("matcher-a", 1, false, List.of(flag), POLICY, T0));
            // instance b flags it too: no second record; then a stops flagging it, b still does: none either
            in.pipeInput("matcher-b", report("matcher-b", 2, false, List.of(flag), POLICY, T0.plusSeconds(5)));
            in.pipeInput("matcher-a", report("matcher-a", 3, false, List.of(), POLICY, T0.plusSeconds(10)));
            assertThat(metrics.excludedIdentities()).isEqualTo(1);
            in.pipeInput("matcher-b", report("matcher-b", 4, false, List.of(), POLICY, T0.plusSeconds(15)));
            assertThat(metrics.excludedIdentities()).isZero();
            List<AuditRecord> records = audit.readValuesToList();
            assertThat(records)
                    .extracting(AuditRecord::action)
                    .containsExactly(
                            AuditRecord.CHAIN_STARTED,
                            AuditRecord.COHORT_IDENTITY_FLAGGED,
                            AuditRecord.THRESHOLD_PUBLISHED,
                            AuditRecord.THRESHOLD_PUBLISHED,
                            AuditRecord.THRESHOLD_PUBLISHED,
                            AuditRecord.COHORT_IDENTITY_CLEARED,
                            AuditRecord.THRESHOLD_PUBLISHED);
            AuditRecord flagged = records.get(1);
            assertThat(flagged.subject()).isEqualTo("alexandra-daddario");
            assertThat(flagged.details())
                    .containsAllEntriesOf(
                            Map.of("cohort.identity", "Hank_Stram", "cosine", "0.612", "policy", "default"));
            assertThat(records.get(2).details())
                    .containsEntry("excluded.identities", "1")
                    .containsEntry("capped.identities", "0")
                    .containsKey("recent.raw");
            ChainVerifier verifier = new ChainVerifier(TestAuditKeys.keys());
            List<AuditHead> heads = driver.createOutputTopic(
                            Topics.AUDIT_HEADS, new StringDeserializer(), EventSerdes.auditHeads())
                    .readValuesToList();
            assertThat(heads)
                    .as("one checkpoint per publication, of the chain's last record")
                    .extracting(AuditHead::sequence)
                    .containsExactly(2L, 3L, 4L, 6L);
            for (int i = 0; i < heads.size(); i++) {
                verifier.acceptCheckpoint(
                        new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, i),
                        heads.get(i).chainId(),
                        EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, heads.get(i)));
            }
            for (int i = 0; i < records.size(); i++) {
                verifier.accept(
                        new ChainVerifier.Position(Topics.AUDIT, 0, i),
                        records.get(i).chainId(),
                        EventSerdes.audit().serialize(Topics.AUDIT, records.get(i)));
            }
            assertThat(verifier.result().verified())
                    .as(verifier.result().problems().toString())
                    .isTrue();
        }
    }
}

package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.facestream.audit.ChainVerifier;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreSketch;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator's audit chain on {@link TopologyTestDriver} (EOS v2, RocksDB): a genesis record, then one
 * {@code threshold-published} record per version with its value, linked; empty stores (a reset application)
 * start a new chain. That a restart on kept state continues the chain is tested on the real broker
 * ({@code AuditChainFaultTest}).
 */
class ThresholdAuditTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private static final FpirPolicy POLICY = FpirPolicy.defaults("default", 0.01);

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

    private static byte[] report(String instance, long seed, Instant at) {
        Random r = new Random(seed);
        NullScoreSketch s = new NullScoreSketch();
        for (int i = 0; i < 5000; i++) {
            s.add(0.1 + 0.05 * r.nextGaussian(), 0.2);
        }
        return EventSerdes.nullScores()
                .serialize(Topics.NULL_SCORES, NullScoreReports.of(instance, "default", 1, 150, 30, s, 0, at));
    }

    /** Pipes reports at T0 + each offset in seconds; returns the thresholds and the audit records published. */
    private List<Object> run(long... seconds) {
        var cfg = new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys());
        List<Object> out = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(ThresholdAggregatorTopology.build(cfg), props())) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
            for (long s : seconds) {
                in.pipeInput("matcher-a", report("matcher-a", s, T0.plusSeconds(s)));
            }
            out.addAll(driver.createOutputTopic(Topics.THRESHOLDS, new StringDeserializer(), EventSerdes.thresholds())
                    .readValuesToList());
            out.addAll(driver.createOutputTopic(Topics.AUDIT, new StringDeserializer(), EventSerdes.audit())
                    .readRecordsToList());
            out.addAll(driver.createOutputTopic(Topics.AUDIT_HEADS, new StringDeserializer(), EventSerdes.auditHeads())
                    .readValuesToList());
        }
        return out;
    }

    @Test
    void everyPublishedVersionIsAnAuditRecordOnOneChainThatARestartContinues() {
        List<Object> first = run(0, 10);
        List<ThresholdState> states = first.stream()
                .filter(ThresholdState.class::isInstance)
                .map(ThresholdState.class::cast)
                .toList();
        @SuppressWarnings("unchecked")
        List<TestRecord<String, AuditRecord>> audit = first.stream()
                .filter(TestRecord.class::isInstance)
                .map(o -> (TestRecord<String, AuditRecord>) o)
                .toList();
        assertThat(states).extracting(ThresholdState::version).containsExactly(1L, 2L);
        assertThat(audit)
                .extracting(r -> r.value().action())
                .containsExactly(
                        AuditRecord.CHAIN_STARTED, AuditRecord.THRESHOLD_PUBLISHED, AuditRecord.THRESHOLD_PUBLISHED);
        AuditRecord v2 = audit.get(2).value();
        assertThat(v2.actor()).isEqualTo("service:facestream-thresholds");
        assertThat(v2.details())
                .containsEntry("version", "2")
                .containsEntry("value", Double.toString(states.get(1).value()))
                .containsEntry("previous.version", "1")
                .containsEntry("policy", "default");
        assertThat(v2.at()).isEqualTo(T0.plusSeconds(10));
        assertThat(audit)
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().chainId()));

        // each published version's head checkpointed, sealed under the audit key like the records
        List<AuditHead> heads = first.stream()
                .filter(AuditHead.class::isInstance)
                .map(AuditHead.class::cast)
                .toList();
        assertThat(heads).extracting(AuditHead::sequence).containsExactly(1L, 2L);
        assertThat(heads.get(1).hash()).isEqualTo(v2.hash());
        assertThat(v2.macHolds(TestAuditKeys.keys())).isTrue();
        ChainVerifier verifier = new ChainVerifier(TestAuditKeys.keys());
        long offset = 0;
        for (AuditHead h : heads) {
            verifier.acceptCheckpoint(
                    new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, offset++),
                    h.chainId(),
                    EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, h));
        }
        offset = 0;
        for (TestRecord<String, AuditRecord> r : audit) {
            verifier.accept(
                    new ChainVerifier.Position(Topics.AUDIT, 0, offset++),
                    r.key(),
                    EventSerdes.audit().serialize(Topics.AUDIT, r.value()));
        }
        assertThat(verifier.result().verified())
                .as(verifier.result().problems().toString())
                .isTrue();
        assertThat(verifier.result().chains()).singleElement().satisfies(c -> {
            assertThat(c.writer()).isEqualTo("thresholds");
            assertThat(c.headSequence()).isEqualTo(2);
            assertThat(c.checkpointSequence()).isEqualTo(2);
        });

        // the driver starts from empty stores, as a reset application does: a new chain, never the old one continued
        @SuppressWarnings("unchecked")
        List<TestRecord<String, AuditRecord>> fresh = run(20).stream()
                .filter(TestRecord.class::isInstance)
                .map(o -> (TestRecord<String, AuditRecord>) o)
                .toList();
        assertThat(fresh).extracting(r -> r.value().sequence()).containsExactly(0L, 1L);
        assertThat(fresh.get(0).value().chainId())
                .startsWith("thresholds-default-")
                .isNotEqualTo(v2.chainId());
    }
}

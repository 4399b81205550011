package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditTopic;
import org.facestream.crypto.AuditKeys;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.CliRun;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 7, on the real broker through {@code facestream audit verify}: the log as its writers left it
 * verifies; a copy whose last five records were cut fails, named at the chain's first missing record; a record
 * appended to the live API chain by a topic writer without the audit key fails, named at the forged record and
 * not at the genuine record the API wrote after it; a whole chain forged by such a writer fails, named at its
 * first record.
 */
@Tag("fault")
class AuditVerifyFaultTest {
    @TempDir
    Path dir;

    private record Located(long offset, String key, byte[] value, AuditRecord record) {}

    private static List<Located> log(Map<String, Object> kafka, String topic) {
        List<Located> out = new ArrayList<>();
        AuditTopic.readAll(
                kafka,
                topic,
                r -> out.add(new Located(
                        r.offset(), r.key(), r.value(), EventSerdes.audit().deserialize(r.topic(), r.value()))));
        return out;
    }

    private static AuditEntry entry(String actor, String action, String subject) {
        return AuditEntry.of(actor, action, subject, Map.of("via", "api"));
    }

    @Test
    void verifyNamesACutTailAForgedAppendAndAForgedChainAndPassesTheLogAsWritten() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
                admin.createTopics(List.of(new NewTopic("audit-copy", 1, (short) 1)))
                        .all()
                        .get();
            }
            AuditKeyring keys = TestAuditKeys.keys();
            try (AuditLog enroll = AuditLog.open(kafka, "enroll", keys, new MetricsRegistry())) {
                enroll.append(entry(AuditEntry.user("alice"), AuditRecord.SUBJECT_ENROLLED, "obama"));
            }
            try (AuditLog api = AuditLog.open(kafka, "api", keys, new MetricsRegistry())) {
                for (int i = 0; i < 7; i++) {
                    api.append(entry(AuditEntry.apiKey("ops-1"), AuditRecord.SUBJECT_ENROLLED, "s" + i));
                }
                List<Located> written = log(kafka, Topics.AUDIT);
                assertThat(written).hasSize(3 + 8);

                CliRun ok = CliRun.run("audit", "verify", "--bootstrap", bootstrap);
                assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
                assertThat(ok.out())
                        .contains("audit verify: OK: 11 records of facestream.audit.v1 in 2 chains")
                        .contains("(writer api): 8 records, sequence 0..7")
                        .contains("open, checkpointed at 7");

                // 1. a copy without the last five records (all of the live API chain's): cut at sequence 3
                try (var producer = new KafkaProducer<>(
                        Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
                    for (Located l : written.subList(0, written.size() - 5)) {
                        producer.send(new ProducerRecord<>("audit-copy", l.key(), l.value()))
                                .get();
                    }
                }
                CliRun cut = CliRun.run("audit", "verify", "--bootstrap", bootstrap, "--topic", "audit-copy");
                assertThat(cut.exit()).as(cut.out() + cut.err()).isEqualTo(1);
                String apiChain = api.chainId();
                AuditRecord lastKept = written.get(written.size() - 6).record();
                assertThat(lastKept.sequence()).isEqualTo(2);
                assertThat(cut.out())
                        .contains("audit verify: BROKEN: facestream.audit-heads.v1-0@")
                        .contains("(chain " + apiChain + ", sequence 3): expected sequence 3..7 after audit-copy-0@"
                                + (written.size() - 6) + " (the chain's checkpointed head is sequence 7, hash "
                                + written.get(written.size() - 1).record().hash()
                                + "), found the chain ending at sequence 2: 5 record(s) cut from its tail")
                        .contains("audit verify: 1 problem(s) in 6 records of audit-copy");

                // 2. a topic writer without the key appends to the live API chain, correctly linked; the API then
                // writes its own next record
                AuditRecord head = written.get(written.size() - 1).record();
                AuditRecord forged = new AuditChain(apiChain, head.sequence() + 1, head.hash())
                        .seal(
                                entry(AuditEntry.apiKey("ops-1"), AuditRecord.SUBJECT_ERASED, "s1"),
                                AuditKeys.ephemeral());
                long forgedAt;
                try (var producer = new KafkaProducer<>(
                        Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
                    forgedAt = producer.send(new ProducerRecord<>(
                                    Topics.AUDIT, apiChain, EventSerdes.audit().serialize(Topics.AUDIT, forged)))
                            .get()
                            .offset();
                }
                AuditRecord genuine = api.append(entry(AuditEntry.apiKey("ops-1"), AuditRecord.SUBJECT_ENROLLED, "s7"));
                long genuineAt = log(kafka, Topics.AUDIT).stream()
                        .filter(l -> l.record().equals(genuine))
                        .findFirst()
                        .orElseThrow()
                        .offset();
                assertThat(genuine.sequence()).isEqualTo(forged.sequence());
                CliRun appended = CliRun.run("audit", "verify", "--bootstrap", bootstrap);
                assertThat(appended.exit()).as(appended.out() + appended.err()).isEqualTo(1);
                assertThat(appended.out())
                        .contains("audit verify: BROKEN: facestream.audit.v1-0@" + forgedAt + " (chain " + apiChain
                                + ", sequence 8): expected a record authenticated under the audit key ("
                                + keys.currentKeyId() + " or a previous one), found key " + forged.keyId()
                                + ": written without the audit key (a forged append)")
                        .contains("audit verify: 1 problem(s) in 13 records of facestream.audit.v1")
                        .as("the genuine record after the forgery is not blamed")
                        .doesNotContain("facestream.audit.v1-0@" + genuineAt + " ");
            }

            // 3. a whole chain forged by a topic writer without the key, with a checkpoint of its own
            AuditKeyring forger = AuditKeys.ephemeral();
            AuditChain chain = AuditChain.start("api-host-20260301T090000Z-0badf00d");
            List<Long> forgedChainAt = new ArrayList<>();
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                for (String action :
                        List.of(AuditRecord.CHAIN_STARTED, AuditRecord.SUBJECT_ERASED, AuditRecord.CHAIN_CLOSED)) {
                    AuditRecord r = chain.seal(
                            new AuditEntry(
                                    java.time.Instant.parse("2026-03-01T09:00:00Z"),
                                    AuditEntry.apiKey("admin-1"),
                                    action,
                                    action.equals(AuditRecord.SUBJECT_ERASED) ? "obama" : null,
                                    new TreeMap<>(Map.of("writer", "api"))),
                            forger);
                    chain = chain.after(r);
                    forgedChainAt.add(producer.send(new ProducerRecord<>(
                                    Topics.AUDIT,
                                    r.chainId(),
                                    EventSerdes.audit().serialize(Topics.AUDIT, r)))
                            .get()
                            .offset());
                    producer.send(new ProducerRecord<>(
                                    Topics.AUDIT_HEADS,
                                    r.chainId(),
                                    EventSerdes.auditHeads()
                                            .serialize(
                                                    Topics.AUDIT_HEADS, org.facestream.events.AuditHead.of(r, forger))))
                            .get();
                }
            }
            CliRun foreign = CliRun.run("audit", "verify", "--bootstrap", bootstrap);
            assertThat(foreign.exit()).as(foreign.out() + foreign.err()).isEqualTo(1);
            assertThat(foreign.out())
                    .contains("also: facestream.audit.v1-0@" + forgedChainAt.get(0)
                            + " (chain api-host-20260301T090000Z-0badf00d, sequence 0): expected a record authenticated"
                            + " under the audit key (" + keys.currentKeyId() + " or a previous one), found key "
                            + forger.currentKeyId() + ": written without the audit key (a forged chain, or its forged"
                            + " start)")
                    .contains("(chain api-host-20260301T090000Z-0badf00d, sequence 0): expected a checkpoint"
                            + " authenticated under the audit key");
            System.out.println(foreign.out());
        }
    }
}

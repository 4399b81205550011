package org.facestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;

/**
 * The audit record's canonical form, hash and mac, pinned to values computed outside FaceStream (Python's
 * {@code json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False)}, {@code hashlib.sha256} and
 * {@code hmac.new(key, canonical, sha256)} under the test audit key), so the chain can be verified by other
 * tools; and the chain head's sealing and linking.
 */
class AuditRecordTest {
    private static final String CHAIN = "api-host-20260101T090000Z-0a1b2c3d";
    private static final Instant AT = Instant.parse("2026-01-01T09:00:00.120Z");
    private static final Map<String, String> DETAILS = Map.of(
            "via", "api", "gallery", "facestream.gallery.v1-0@7", "quote", "say \"hi\" \\ ok", "unicode", "Zoë 東京");
    private static final String KEY_ID = "audit-16fc35dcaa108152";
    private static final String GENESIS_HASH = "7410b166cf503eebd32af304696e0d53dd6c046534c9ac42a791be4715143ef9";
    private static final String GENESIS_MAC = "87c1c6418838a10f1b5bb0ae8901113e185a33fe4991de7d5046c7ee316bbf27";
    private static final String SECOND_HASH = "c92a94cd310daa05abe16f9171f6c17fd5c6efcdc09bd13888f54d7c4a44ba02";

    private static AuditEntry erasure() {
        return new AuditEntry(AT, "api-key:ops-1", AuditRecord.SUBJECT_ERASED, "obama", new TreeMap<>(DETAILS));
    }

    @Test
    void canonicalBytesAreSortedCompactJsonWithoutTheHash() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure(), TestAuditKeys.keys());
        assertThat(new String(r.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"action\":\"subject-erased\",\"actor\":\"api-key:ops-1\","
                        + "\"at\":\"2026-01-01T09:00:00.120Z\",\"chainId\":\"" + CHAIN
                        + "\",\"details\":{\"gallery\":\"facestream.gallery.v1-0@7\","
                        + "\"quote\":\"say \\\"hi\\\" \\\\ ok\",\"unicode\":\"Zoë 東京\",\"via\":\"api\"},\"keyId\":\""
                        + KEY_ID + "\",\"prevHash\":\""
                        + "0".repeat(64)
                        + "\",\"sequence\":0,\"subject\":\"obama\"}");
    }

    @Test
    void hashesEqualAnIndependentSha256AndLinkTheChain() {
        AuditChain head = AuditChain.start(CHAIN);
        AuditRecord first = head.seal(erasure(), TestAuditKeys.keys());
        assertThat(first.sequence()).isZero();
        assertThat(first.prevHash()).isEqualTo(AuditRecord.GENESIS_PREV_HASH);
        assertThat(first.hash()).isEqualTo(GENESIS_HASH);
        assertThat(first.hashHolds()).isTrue();
        assertThat(first.keyId()).isEqualTo(KEY_ID);
        assertThat(first.mac()).isEqualTo(GENESIS_MAC);
        assertThat(first.macHolds(TestAuditKeys.keys())).isTrue();
        assertThat(first.macHolds(org.facestream.crypto.AuditKeys.ephemeral()))
                .as("another key")
                .isFalse();

        head = head.after(first);
        assertThat(head.nextSequence()).isEqualTo(1);
        AuditRecord second = head.seal(
                new AuditEntry(
                        Instant.parse("2026-01-01T09:00:01Z"),
                        "api-key:ops-1",
                        AuditRecord.CHAIN_CLOSED,
                        null,
                        new TreeMap<>()),
                TestAuditKeys.keys());
        assertThat(second.prevHash()).isEqualTo(GENESIS_HASH);
        assertThat(second.hash()).isEqualTo(SECOND_HASH);
        // a head cannot advance past a record it did not seal
        AuditChain now = head;
        assertThatThrownBy(() -> now.after(first)).hasMessageContaining("expected record " + CHAIN + "#1");
    }

    @Test
    void anyChangedFieldChangesTheHash() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure(), TestAuditKeys.keys());
        AuditRecord otherSubject = new AuditRecord(
                r.chainId(),
                r.sequence(),
                r.prevHash(),
                r.hash(),
                r.at(),
                r.actor(),
                r.action(),
                "biden",
                r.details(),
                r.keyId(),
                r.mac());
        AuditRecord otherTime = new AuditRecord(
                r.chainId(),
                r.sequence(),
                r.prevHash(),
                r.hash(),
                r.at().plusMillis(1),
                r.actor(),
                r.action(),
                r.subject(),
                r.details(),
                r.keyId(),
                r.mac());
        TreeMap<String, String> d = new TreeMap<>(r.details());
        d.put("via", "cli");
        AuditRecord otherDetail = new AuditRecord(
                r.chainId(),
                r.sequence(),
                r.prevHash(),
                r.hash(),
                r.at(),
                r.actor(),
                r.action(),
                r.subject(),
                d,
                r.keyId(),
                r.mac());
        for (AuditRecord forged : new AuditRecord[] {otherSubject, otherTime, otherDetail}) {
            assertThat(forged.hashHolds()).as(forged.toString()).isFalse();
            assertThat(forged.macHolds(TestAuditKeys.keys()))
                    .as(forged.toString())
                    .isFalse();
        }
    }

    @Test
    void wireJsonRoundTripsAndKeepsTheHashValid() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure(), TestAuditKeys.keys());
        JsonSerde<AuditRecord> serde = EventSerdes.audit();
        AuditRecord back = serde.deserialize(Topics.AUDIT, serde.serialize(Topics.AUDIT, r));
        assertThat(back).isEqualTo(r);
        assertThat(back.hashHolds()).isTrue();
        assertThat(serde.deserialize(Topics.AUDIT, null)).isNull();
    }

    @Test
    void malformedRecordsAreRefusedWithWhatWasExpected() {
        String zeros = AuditRecord.GENESIS_PREV_HASH;
        assertThatThrownBy(
                        () -> new AuditRecord(CHAIN, -1, zeros, zeros, AT, "a", "x", null, new TreeMap<>(), null, null))
                .hasMessage("expected sequence >= 0, found -1");
        assertThatThrownBy(
                        () -> new AuditRecord(CHAIN, 0, "ABC", zeros, AT, "a", "x", null, new TreeMap<>(), null, null))
                .hasMessage("expected prevHash of 64 lower-case hex digits, found 'ABC'");
        assertThatThrownBy(() -> new AuditRecord(
                        CHAIN, 0, zeros, zeros, AT.plusNanos(5), "a", "x", null, new TreeMap<>(), null, null))
                .hasMessageStartingWith("expected at with millisecond precision");
        assertThatThrownBy(() ->
                        new AuditRecord(CHAIN, 0, zeros, zeros, AT, "a\nb", "x", null, new TreeMap<>(), null, null))
                .hasMessage("expected actor without control characters, found U+000A at index 1");
        assertThatThrownBy(() -> new AuditRecord(
                        CHAIN, 0, zeros, zeros, AT, "a", "Subject Erased", null, new TreeMap<>(), null, null))
                .hasMessage("expected a kebab-case action, found 'Subject Erased'");
        assertThatThrownBy(() -> new AuditRecord(
                        CHAIN, 0, zeros, zeros, AT, "a", "x", null, new TreeMap<>(Map.of("Bad Key", "v")), null, null))
                .hasMessageStartingWith("expected detail keys [a-z0-9][a-z0-9_.-]*, found 'Bad Key'");
        assertThatThrownBy(
                        () -> new AuditRecord(CHAIN, 0, zeros, zeros, AT, "a", "x", null, new TreeMap<>(), "k", zeros))
                .hasMessage("expected an audit key id audit-<16 hex digits>, found 'k'");
        assertThatThrownBy(() ->
                        new AuditRecord(CHAIN, 0, zeros, zeros, AT, "a", "x", null, new TreeMap<>(), KEY_ID, null))
                .hasMessage("expected keyId and mac together, found a keyId without a mac");
        assertThatThrownBy(() -> new AuditChain(CHAIN, 3, zeros))
                .hasMessageStartingWith("expected prevHash of a record at sequence 3");
        byte[] json = ("{\"chainId\":\"" + CHAIN + "\",\"sequence\":0,\"prevHash\":\"" + zeros
                        + "\",\"hash\":\"nothex\",\"at\":\"2026-01-01T09:00:00Z\","
                        + "\"actor\":\"a\",\"action\":\"x\",\"details\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EventSerdes.audit().deserialize(Topics.AUDIT, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("expected hash of 64 lower-case hex digits, found 'nothex'");
    }
}

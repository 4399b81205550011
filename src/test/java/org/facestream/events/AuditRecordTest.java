package org.facestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The audit record's canonical form and hash, pinned to values computed outside FaceStream (Python's
 * {@code json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False)} and {@code hashlib.sha256}),
 * so the chain can be verified by other tools; and the chain head's sealing and linking.
 */
class AuditRecordTest {
    private static final String CHAIN = "api-host-20260101T090000Z-0a1b2c3d";
    private static final Instant AT = Instant.parse("2026-01-01T09:00:00.120Z");
    private static final Map<String, String> DETAILS = Map.of(
            "via", "api", "gallery", "facestream.gallery.v1-0@7", "quote", "say \"hi\" \\ ok", "unicode", "Zoë 東京");
    private static final String GENESIS_HASH = "b416c996d3dbc0a721f30a1b06411ca7753c5a921ec101bbf16f4036daaed728";
    private static final String SECOND_HASH = "ac04acdc577eaf5098f1981077fef3f69feccb747c5ae0e3d3f16294a200f345";

    private static AuditEntry erasure() {
        return new AuditEntry(AT, "api-key:ops-1", AuditRecord.SUBJECT_ERASED, "obama", new TreeMap<>(DETAILS));
    }

    @Test
    void canonicalBytesAreSortedCompactJsonWithoutTheHash() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure());
        assertThat(new String(r.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"action\":\"subject-erased\",\"actor\":\"api-key:ops-1\","
                        + "\"at\":\"2026-01-01T09:00:00.120Z\",\"chainId\":\"" + CHAIN
                        + "\",\"details\":{\"gallery\":\"facestream.gallery.v1-0@7\","
                        + "\"quote\":\"say \\\"hi\\\" \\\\ ok\",\"unicode\":\"Zoë 東京\",\"via\":\"api\"},\"prevHash\":\""
                        + "0".repeat(64)
                        + "\",\"sequence\":0,\"subject\":\"obama\"}");
    }

    @Test
    void hashesEqualAnIndependentSha256AndLinkTheChain() {
        AuditChain head = AuditChain.start(CHAIN);
        AuditRecord first = head.seal(erasure());
        assertThat(first.sequence()).isZero();
        assertThat(first.prevHash()).isEqualTo(AuditRecord.GENESIS_PREV_HASH);
        assertThat(first.hash()).isEqualTo(GENESIS_HASH);
        assertThat(first.hashHolds()).isTrue();

        head = head.after(first);
        assertThat(head.nextSequence()).isEqualTo(1);
        AuditRecord second = head.seal(new AuditEntry(
                Instant.parse("2026-01-01T09:00:01Z"),
                "api-key:ops-1",
                AuditRecord.CHAIN_CLOSED,
                null,
                new TreeMap<>()));
        assertThat(second.prevHash()).isEqualTo(GENESIS_HASH);
        assertThat(second.hash()).isEqualTo(SECOND_HASH);
        // a head cannot advance past a record it did not seal
        AuditChain now = head;
        assertThatThrownBy(() -> now.after(first)).hasMessageContaining("expected record " + CHAIN + "#1");
    }

    @Test
    void anyChangedFieldChangesTheHash() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure());
        AuditRecord otherSubject = new AuditRecord(
                r.chainId(), r.sequence(), r.prevHash(), r.hash(), r.at(), r.actor(), r.action(), "biden", r.details());
        AuditRecord otherTime = new AuditRecord(
                r.chainId(),
                r.sequence(),
                r.prevHash(),
                r.hash(),
                r.at().plusMillis(1),
                r.actor(),
                r.action(),
                r.subject(),
                r.details());
        TreeMap<String, String> d = new TreeMap<>(r.details());
        d.put("via", "cli");
        AuditRecord otherDetail = new AuditRecord(
                r.chainId(), r.sequence(), r.prevHash(), r.hash(), r.at(), r.actor(), r.action(), r.subject(), d);
        for (AuditRecord forged : new AuditRecord[] {otherSubject, otherTime, otherDetail}) {
            assertThat(forged.hashHolds()).as(forged.toString()).isFalse();
        }
    }

    @Test
    void wireJsonRoundTripsAndKeepsTheHashValid() {
        AuditRecord r = AuditChain.start(CHAIN).seal(erasure());
        JsonSerde<AuditRecord> serde = EventSerdes.audit();
        AuditRecord back = serde.deserialize(Topics.AUDIT, serde.serialize(Topics.AUDIT, r));
        assertThat(back).isEqualTo(r);
        assertThat(back.hashHolds()).isTrue();
        assertThat(serde.deserialize(Topics.AUDIT, null)).isNull();
    }

    @Test
    void malformedRecordsAreRefusedWithWhatWasExpected() {
        String zeros = AuditRecord.GENESIS_PREV_HASH;
        assertThatThrownBy(() -> new AuditRecord(CHAIN, -1, zeros, zeros, AT, "a", "x", null, new TreeMap<>()))
                .hasMessage("expected sequence >= 0, found -1");
        assertThatThrownBy(() -> new AuditRecord(CHAIN, 0, "ABC", zeros, AT, "a", "x", null, new TreeMap<>()))
                .hasMessage("expected prevHash of 64 lower-case hex digits, found 'ABC'");
        assertThatThrownBy(
                        () -> new AuditRecord(CHAIN, 0, zeros, zeros, AT.plusNanos(5), "a", "x", null, new TreeMap<>()))
                .hasMessageStartingWith("expected at with millisecond precision");
        assertThatThrownBy(() -> new AuditRecord(CHAIN, 0, zeros, zeros, AT, "a\nb", "x", null, new TreeMap<>()))
                .hasMessage("expected actor without control characters, found U+000A at index 1");
        assertThatThrownBy(
                        () -> new AuditRecord(CHAIN, 0, zeros, zeros, AT, "a", "Subject Erased", null, new TreeMap<>()))
                .hasMessage("expected a kebab-case action, found 'Subject Erased'");
        assertThatThrownBy(() -> new AuditRecord(
                        CHAIN, 0, zeros, zeros, AT, "a", "x", null, new TreeMap<>(Map.of("Bad Key", "v"))))
                .hasMessageStartingWith("expected detail keys [a-z0-9][a-z0-9_.-]*, found 'Bad Key'");
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

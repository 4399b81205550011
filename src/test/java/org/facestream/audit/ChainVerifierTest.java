package org.facestream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.junit.jupiter.api.Test;

/** The chain verifier on hand-made logs: two interleaved chains verify; each kind of damage is named once, by offset. */
class ChainVerifierTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** {@code n} records of chain {@code id}: genesis, subject-enrolled..., the last one chain-closed when {@code close}. */
    private static List<AuditRecord> chain(String id, String writer, int n, boolean close) {
        List<AuditRecord> out = new ArrayList<>();
        AuditChain head = AuditChain.start(id);
        for (int i = 0; i < n; i++) {
            String action = i == 0
                    ? AuditRecord.CHAIN_STARTED
                    : close && i == n - 1 ? AuditRecord.CHAIN_CLOSED : AuditRecord.SUBJECT_ENROLLED;
            Map<String, String> d = i == 0 ? Map.of("writer", writer) : Map.of("templates", Integer.toString(i));
            AuditRecord r = head.seal(new AuditEntry(
                    T0.plusSeconds(i),
                    "user:alice",
                    action,
                    action.equals(AuditRecord.SUBJECT_ENROLLED) ? "s" + i : null,
                    new TreeMap<>(d)));
            head = head.after(r);
            out.add(r);
        }
        return out;
    }

    private static byte[] bytes(AuditRecord r) {
        return EventSerdes.audit().serialize(Topics.AUDIT, r);
    }

    /** Feeds records at offsets 0, 1, 2, ... */
    private static ChainVerifier.Result verify(List<AuditRecord> log) {
        ChainVerifier v = new ChainVerifier();
        long offset = 0;
        for (AuditRecord r : log) {
            v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, offset++), r.chainId(), bytes(r));
        }
        return v.result();
    }

    private static List<AuditRecord> interleaved() {
        List<AuditRecord> a = chain("api-a", "api", 4, true);
        List<AuditRecord> b = chain("enroll-b", "enroll", 3, false);
        return new ArrayList<>(List.of(a.get(0), b.get(0), a.get(1), b.get(1), a.get(2), b.get(2), a.get(3)));
    }

    @Test
    void interleavedChainsVerifyWithTheirHeads() {
        List<AuditRecord> log = interleaved();
        ChainVerifier.Result r = verify(log);
        assertThat(r.verified()).isTrue();
        assertThat(r.records()).isEqualTo(7);
        assertThat(r.chains()).extracting(ChainVerifier.ChainSummary::chainId).containsExactly("api-a", "enroll-b");
        ChainVerifier.ChainSummary a = r.chains().get(0);
        assertThat(a.writer()).isEqualTo("api");
        assertThat(a.records()).isEqualTo(4);
        assertThat(a.headSequence()).isEqualTo(3);
        assertThat(a.headHash()).isEqualTo(log.get(6).hash());
        assertThat(a.closed()).isTrue();
        assertThat(r.chains().get(1).closed()).as("enroll-b never closed").isFalse();
        assertThat(a.firstAt()).isEqualTo(T0);
    }

    @Test
    void aRecordWhoseContentChangedIsNamedByItsRecomputedHash() {
        List<AuditRecord> log = interleaved();
        AuditRecord real = log.get(2);
        AuditRecord forged = new AuditRecord(
                real.chainId(),
                real.sequence(),
                real.prevHash(),
                real.hash(),
                real.at(),
                real.actor(),
                real.action(),
                "someone-else",
                real.details());
        log.set(2, forged);
        ChainVerifier.Result r = verify(log);
        assertThat(r.verified()).isFalse();
        assertThat(r.problemCount())
                .as("the next records still link to the last good one")
                .isEqualTo(2);
        ChainVerifier.Problem p = r.problems().get(0);
        assertThat(p.at().toString()).isEqualTo("facestream.audit.v1-0@2");
        assertThat(p.chainId()).isEqualTo("api-a");
        assertThat(p.expected()).isEqualTo("hash " + forged.computeHash() + " (recomputed over the record)");
        assertThat(p.found()).isEqualTo("hash " + real.hash());
        // the skipped record leaves a gap the next one reveals
        assertThat(r.problems().get(1).toString())
                .isEqualTo("facestream.audit.v1-0@4 (chain api-a, sequence 2): expected sequence 1, found "
                        + "sequence 2: 1 record(s) missing after facestream.audit.v1-0@0");
    }

    @Test
    void aMissingRecordIsAGapNamedAtTheRecordAfterIt() {
        List<AuditRecord> log = interleaved();
        log.remove(2); // api-a sequence 1
        ChainVerifier.Result r = verify(log);
        assertThat(r.problemCount()).isEqualTo(1);
        assertThat(r.problems().get(0).toString())
                .isEqualTo("facestream.audit.v1-0@3 (chain api-a, sequence 2): expected sequence 1, "
                        + "found sequence 2: 1 record(s) missing after facestream.audit.v1-0@0");
    }

    @Test
    void aForgedNextRecordWithAValidHashButTheWrongLinkIsNamed() {
        List<AuditRecord> log = interleaved();
        log.remove(6); // api-a's close: a forger appends its own sequence 3, linked to the wrong record
        AuditRecord forged = new AuditChain("api-a", 3, log.get(0).hash())
                .seal(new AuditEntry(
                        T0.plusSeconds(9), "user:mallory", AuditRecord.SUBJECT_ERASED, "s1", new TreeMap<>()));
        log.add(forged);
        ChainVerifier.Result r = verify(log);
        assertThat(r.problemCount()).isEqualTo(1);
        ChainVerifier.Problem p = r.problems().get(0);
        assertThat(p.at().offset()).isEqualTo(6);
        assertThat(p.expected())
                .isEqualTo("prevHash " + log.get(4).hash() + " (hash of sequence 2 at facestream.audit.v1-0@4)");
        assertThat(p.found()).isEqualTo("prevHash " + log.get(0).hash());
    }

    @Test
    void aReplayedRecordAChainWithoutItsStartAndARecordAfterTheCloseAreNamed() {
        List<AuditRecord> a = chain("api-a", "api", 3, true);
        List<AuditRecord> c = chain("worker-c", "worker", 3, false);
        List<AuditRecord> log = new ArrayList<>(List.of(a.get(0), a.get(1), a.get(1), a.get(2), c.get(1), c.get(2)));
        ChainVerifier.Result r = verify(log);
        assertThat(r.problems())
                .extracting(ChainVerifier.Problem::toString)
                .containsExactly(
                        "facestream.audit.v1-0@2 (chain api-a, sequence 1): expected sequence 2, found sequence 1 again (a replayed or forged record)",
                        "facestream.audit.v1-0@4 (chain worker-c, sequence 1): expected the chain to start at sequence 0 linked to 64 zeros, found sequence 1 "
                                + "linked to " + c.get(0).hash() + " (the chain's earlier records are missing)");
        assertThat(r.chains().get(1).writer()).isEqualTo("?");

        ChainVerifier v = new ChainVerifier();
        long o = 0;
        for (AuditRecord x : a) {
            v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, o++), x.chainId(), bytes(x));
        }
        AuditRecord after = new AuditChain("api-a", 3, a.get(2).hash())
                .seal(new AuditEntry(T0, "user:x", AuditRecord.SUBJECT_ERASED, "s", new TreeMap<>()));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, o), "api-a", bytes(after));
        assertThat(v.result().problems().get(0).expected())
                .isEqualTo("no record after the chain was closed at facestream.audit.v1-0@2");
    }

    @Test
    void unreadableBytesTombstonesAndWrongKeysAreProblems() {
        ChainVerifier v = new ChainVerifier();
        List<AuditRecord> a = chain("api-a", "api", 2, false);
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 0), "api-a", bytes(a.get(0)));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 1), "api-a", "{not json".getBytes(StandardCharsets.UTF_8));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 2), "api-a", null);
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 3), "other", bytes(a.get(1)));
        ChainVerifier.Result r = v.result();
        assertThat(r.problemCount()).isEqualTo(3);
        assertThat(r.problems().get(0).expected()).isEqualTo("an audit record");
        assertThat(r.problems().get(0).found())
                .startsWith("expected a AuditRecord on facestream.audit.v1, found 9 bytes that do not read as one");
        assertThat(r.problems().get(1).found()).isEqualTo("a tombstone (the audit topic is append-only)");
        assertThat(r.problems().get(2).toString())
                .isEqualTo(
                        "facestream.audit.v1-0@3 (chain api-a, sequence 1): expected key api-a (the chain id), found key other");
    }
}

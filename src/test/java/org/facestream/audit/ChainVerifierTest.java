package org.facestream.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.facestream.crypto.AuditKeys;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;

/**
 * The chain verifier on hand-made logs and checkpoints: two interleaved chains verify; each kind of damage is
 * named once, by offset, and never blamed on a genuine record: a changed record, a gap, a wrong link, a replay,
 * a forged chain and a forged append (written without the audit key), a tail cut before the checkpointed head,
 * a chain removed whole, a lost or forged checkpoint.
 */
class ChainVerifierTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final AuditKeyring KEYS = TestAuditKeys.keys();
    /** What a writer of the topic without the audit key has: a key of its own. */
    private static final AuditKeyring FORGER = AuditKeys.ephemeral();

    /** {@code n} records of chain {@code id} under {@code keys}: genesis, subject-enrolled..., chain-closed last when {@code close}. */
    private static List<AuditRecord> chain(String id, String writer, int n, boolean close, AuditKeyring keys) {
        List<AuditRecord> out = new ArrayList<>();
        AuditChain head = AuditChain.start(id);
        for (int i = 0; i < n; i++) {
            String action = i == 0
                    ? AuditRecord.CHAIN_STARTED
                    : close && i == n - 1 ? AuditRecord.CHAIN_CLOSED : AuditRecord.SUBJECT_ENROLLED;
            Map<String, String> d = i == 0 ? Map.of("writer", writer) : Map.of("templates", Integer.toString(i));
            AuditRecord r = head.seal(
                    new AuditEntry(
                            T0.plusSeconds(i),
                            "user:alice",
                            action,
                            action.equals(AuditRecord.SUBJECT_ENROLLED) ? "s" + i : null,
                            new TreeMap<>(d)),
                    keys);
            head = head.after(r);
            out.add(r);
        }
        return out;
    }

    private static List<AuditRecord> chain(String id, String writer, int n, boolean close) {
        return chain(id, writer, n, close, KEYS);
    }

    private static byte[] bytes(AuditRecord r) {
        return EventSerdes.audit().serialize(Topics.AUDIT, r);
    }

    /** Feeds the checkpoints of {@code heads} (at offsets 0, 1, ...), then the records at offsets 0, 1, 2, ... */
    private static ChainVerifier.Result verify(List<AuditRecord> log, List<AuditRecord> heads) {
        ChainVerifier v = new ChainVerifier(KEYS);
        long offset = 0;
        for (AuditRecord h : heads) {
            v.acceptCheckpoint(
                    new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, offset++),
                    h.chainId(),
                    EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, AuditHead.of(h, KEYS)));
        }
        offset = 0;
        for (AuditRecord r : log) {
            v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, offset++), r.chainId(), bytes(r));
        }
        return v.result();
    }

    private List<AuditRecord> a = chain("api-a", "api", 4, true);
    private List<AuditRecord> b = chain("enroll-b", "enroll", 3, false);

    private List<AuditRecord> interleaved() {
        return new ArrayList<>(List.of(a.get(0), b.get(0), a.get(1), b.get(1), a.get(2), b.get(2), a.get(3)));
    }

    /** The writers' checkpoints: each chain's last record. */
    private List<AuditRecord> heads() {
        return List.of(a.get(3), b.get(2));
    }

    @Test
    void interleavedChainsVerifyWithTheirHeadsAndCheckpoints() {
        List<AuditRecord> log = interleaved();
        ChainVerifier.Result r = verify(log, heads());
        assertThat(r.problems()).isEmpty();
        assertThat(r.verified()).isTrue();
        assertThat(r.records()).isEqualTo(7);
        assertThat(r.chains()).extracting(ChainVerifier.ChainSummary::chainId).containsExactly("api-a", "enroll-b");
        ChainVerifier.ChainSummary s = r.chains().get(0);
        assertThat(s.writer()).isEqualTo("api");
        assertThat(s.records()).isEqualTo(4);
        assertThat(s.headSequence()).isEqualTo(3);
        assertThat(s.headHash()).isEqualTo(log.get(6).hash());
        assertThat(s.checkpointSequence()).isEqualTo(3);
        assertThat(s.closed()).isTrue();
        assertThat(r.chains().get(1).closed()).as("enroll-b never closed").isFalse();
        assertThat(s.firstAt()).isEqualTo(T0);
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
                real.details(),
                real.keyId(),
                real.mac());
        log.set(2, forged);
        ChainVerifier.Result r = verify(log, heads());
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
        ChainVerifier.Result r = verify(log, heads());
        assertThat(r.problemCount()).isEqualTo(1);
        assertThat(r.problems().get(0).toString())
                .isEqualTo("facestream.audit.v1-0@3 (chain api-a, sequence 2): expected sequence 1, "
                        + "found sequence 2: 1 record(s) missing after facestream.audit.v1-0@0");
    }

    @Test
    void aNextRecordWithTheWrongLinkIsNamedEvenUnderTheKey() {
        // a writer holding the key but broken: its sequence 3 links to sequence 0
        List<AuditRecord> log = interleaved();
        log.remove(6);
        AuditRecord wrong = new AuditChain("api-a", 3, log.get(0).hash())
                .seal(
                        new AuditEntry(
                                T0.plusSeconds(9), "user:mallory", AuditRecord.SUBJECT_ERASED, "s1", new TreeMap<>()),
                        KEYS);
        log.add(wrong);
        ChainVerifier.Result r = verify(log, List.of(wrong, b.get(2)));
        assertThat(r.problemCount()).isEqualTo(1);
        ChainVerifier.Problem p = r.problems().get(0);
        assertThat(p.at().offset()).isEqualTo(6);
        assertThat(p.expected())
                .isEqualTo("prevHash " + log.get(4).hash() + " (hash of sequence 2 at facestream.audit.v1-0@4)");
        assertThat(p.found()).isEqualTo("prevHash " + log.get(0).hash());
    }

    @Test
    void aForgedAppendIsNamedAndTheGenuineRecordAfterItVerifies() {
        // a topic writer without the key appends sequence 3 to the live chain, correctly linked, before the real one
        List<AuditRecord> log = interleaved();
        AuditRecord forged = new AuditChain("api-a", 3, a.get(2).hash())
                .seal(
                        new AuditEntry(
                                T0.plusSeconds(9), "user:mallory", AuditRecord.SUBJECT_ERASED, "s1", new TreeMap<>()),
                        FORGER);
        log.add(6, forged);
        ChainVerifier.Result r = verify(log, heads());
        assertThat(r.problems())
                .extracting(ChainVerifier.Problem::toString)
                .containsExactly("facestream.audit.v1-0@6 (chain api-a, sequence 3): expected a record authenticated"
                        + " under the audit key (" + KEYS.currentKeyId() + " or a previous one), found key "
                        + FORGER.currentKeyId() + ": written without the audit key (a forged append)");
        assertThat(r.chains().get(0).headHash())
                .as("the genuine sequence 3 at offset 7")
                .isEqualTo(a.get(3).hash());

        // the forger names the writers' key id but cannot compute its mac
        AuditRecord claimed = new AuditRecord(
                forged.chainId(),
                forged.sequence(),
                forged.prevHash(),
                forged.hash(),
                forged.at(),
                forged.actor(),
                forged.action(),
                forged.subject(),
                forged.details(),
                KEYS.currentKeyId(),
                forged.mac());
        // its hash no longer recomputes (the key id is part of the canonical form); recomputed, the mac fails
        AuditRecord rehashed = new AuditRecord(
                claimed.chainId(),
                claimed.sequence(),
                claimed.prevHash(),
                claimed.computeHash(),
                claimed.at(),
                claimed.actor(),
                claimed.action(),
                claimed.subject(),
                claimed.details(),
                claimed.keyId(),
                claimed.mac());
        log.set(6, rehashed);
        assertThat(verify(log, heads()).problems())
                .extracting(ChainVerifier.Problem::found)
                .containsExactly("mac " + forged.mac() + " under " + KEYS.currentKeyId()
                        + ", which does not verify: written without the audit key (a forged append)");
    }

    @Test
    void aForgedChainIsNamedAtItsFirstRecord() {
        List<AuditRecord> log = interleaved();
        List<AuditRecord> foreign = chain("api-evil", "api", 3, false, FORGER);
        log.addAll(foreign);
        ChainVerifier.Result r = verify(log, heads());
        assertThat(r.problems()).hasSize(3);
        assertThat(r.problems().get(0).toString())
                .isEqualTo("facestream.audit.v1-0@7 (chain api-evil, sequence 0): expected a record authenticated"
                        + " under the audit key (" + KEYS.currentKeyId() + " or a previous one), found key "
                        + FORGER.currentKeyId() + ": written without the audit key (a forged chain, or its forged"
                        + " start)");
        assertThat(r.problems()).extracting(ChainVerifier.Problem::chainId).containsOnly("api-evil");
    }

    @Test
    void aTailCutBeforeTheCheckpointIsNamedAtTheFirstMissingRecord() {
        List<AuditRecord> log = interleaved();
        log.remove(6); // api-a sequence 3, the chain's last record
        log.remove(5); // enroll-b sequence 2
        ChainVerifier.Result r = verify(log, heads());
        assertThat(r.problems())
                .extracting(ChainVerifier.Problem::toString)
                .containsExactly(
                        "facestream.audit-heads.v1-0@0 (chain api-a, sequence 3): expected sequence 3 after"
                                + " facestream.audit.v1-0@4 (the chain's checkpointed head is sequence 3, hash "
                                + a.get(3).hash() + "), found the chain ending at sequence 2: 1 record(s) cut from its"
                                + " tail",
                        "facestream.audit-heads.v1-0@1 (chain enroll-b, sequence 2): expected sequence 2 after"
                                + " facestream.audit.v1-0@3 (the chain's checkpointed head is sequence 2, hash "
                                + b.get(2).hash() + "), found the chain ending at sequence 1: 1 record(s) cut from its"
                                + " tail");

        // five records cut: named from the first missing one
        List<AuditRecord> longer = chain("api-c", "api", 9, false);
        ChainVerifier.Result cut = verify(longer.subList(0, 4), List.of(longer.get(8)));
        assertThat(cut.problems()).singleElement().satisfies(p -> {
            assertThat(p.sequence()).isEqualTo(4);
            assertThat(p.expected()).startsWith("sequence 4..8 after facestream.audit.v1-0@3");
            assertThat(p.found()).isEqualTo("the chain ending at sequence 3: 5 record(s) cut from its tail");
        });
    }

    @Test
    void aChainRemovedWholeALostCheckpointAndAForgedOrReplayedCheckpointAreNamed() {
        List<AuditRecord> log = new ArrayList<>(b);
        ChainVerifier v = new ChainVerifier(KEYS);
        v.acceptCheckpoint(
                new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 0),
                "api-a",
                EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, AuditHead.of(a.get(3), KEYS)));
        // a forger moves enroll-b's checkpoint forward to blame the chain: refused, the chain is not blamed
        v.acceptCheckpoint(
                new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 1),
                "enroll-b",
                EventSerdes.auditHeads()
                        .serialize(
                                Topics.AUDIT_HEADS,
                                AuditHead.of(
                                        chain("enroll-b", "enroll", 9, false).get(8), FORGER)));
        v.acceptCheckpoint(new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 2), "enroll-b", null);
        long o = 0;
        for (AuditRecord r : log) {
            v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, o++), r.chainId(), bytes(r));
        }
        assertThat(v.result().problems())
                .extracting(ChainVerifier.Problem::toString)
                .containsExactly(
                        "facestream.audit-heads.v1-0@1 (chain enroll-b, sequence 8): expected a checkpoint"
                                + " authenticated under the audit key (" + KEYS.currentKeyId()
                                + " or a previous one), found key " + FORGER.currentKeyId()
                                + ": written without the audit key",
                        "facestream.audit-heads.v1-0@2 (chain enroll-b): expected a checkpoint, found a tombstone"
                                + " (checkpoints are never deleted: the chain's may have been removed to hide a cut)",
                        "facestream.audit-heads.v1-0@0 (chain api-a, sequence 0): expected records of the chain up to"
                                + " its checkpointed head, sequence 3 (hash "
                                + a.get(3).hash()
                                + "), found no authentic record of it: the chain was removed whole",
                        "facestream.audit.v1-0@2 (chain enroll-b, sequence 2): expected a checkpoint of the chain's"
                                + " head on facestream.audit-heads.v1, found none (deleted, and with it any evidence"
                                + " of a cut tail)");

        ChainVerifier replayed = new ChainVerifier(KEYS);
        replayed.acceptCheckpoint(
                new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 0),
                "enroll-b",
                EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, AuditHead.of(b.get(2), KEYS)));
        replayed.acceptCheckpoint(
                new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 1),
                "enroll-b",
                EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, AuditHead.of(b.get(0), KEYS)));
        assertThat(replayed.result().problems())
                .extracting(ChainVerifier.Problem::found)
                .contains("sequence 0: an older checkpoint replayed");
        assertThatThrownBy(() -> {
                    replayed.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 0), "enroll-b", bytes(b.get(0)));
                    replayed.acceptCheckpoint(new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 2), "x", null);
                })
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReplayedRecordAChainWithoutItsStartAndARecordAfterTheCloseAreNamed() {
        List<AuditRecord> x = chain("api-x", "api", 3, true);
        List<AuditRecord> c = chain("worker-c", "worker", 3, false);
        List<AuditRecord> log = new ArrayList<>(List.of(x.get(0), x.get(1), x.get(1), x.get(2), c.get(1), c.get(2)));
        ChainVerifier.Result r = verify(log, List.of(x.get(2), c.get(2)));
        assertThat(r.problems())
                .extracting(ChainVerifier.Problem::toString)
                .containsExactly(
                        "facestream.audit.v1-0@2 (chain api-x, sequence 1): expected sequence 2, found sequence 1 again (a replayed or forged record)",
                        "facestream.audit.v1-0@4 (chain worker-c, sequence 1): expected the chain to start at sequence 0 linked to 64 zeros, found sequence 1 "
                                + "linked to " + c.get(0).hash() + " (the chain's earlier records are missing)");
        assertThat(r.chains().get(1).writer()).isEqualTo("?");

        AuditRecord after = new AuditChain("api-x", 3, x.get(2).hash())
                .seal(new AuditEntry(T0, "user:x", AuditRecord.SUBJECT_ERASED, "s", new TreeMap<>()), KEYS);
        List<AuditRecord> closed = new ArrayList<>(x);
        closed.add(after);
        assertThat(verify(closed, List.of(x.get(2))).problems().get(0).expected())
                .isEqualTo("no record after the chain was closed at facestream.audit.v1-0@2");
    }

    @Test
    void unreadableBytesTombstonesAndWrongKeysAreProblems() {
        ChainVerifier v = new ChainVerifier(KEYS);
        List<AuditRecord> x = chain("api-x", "api", 2, false);
        v.acceptCheckpoint(
                new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, 0),
                "api-x",
                EventSerdes.auditHeads().serialize(Topics.AUDIT_HEADS, AuditHead.of(x.get(0), KEYS)));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 0), "api-x", bytes(x.get(0)));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 1), "api-x", "{not json".getBytes(StandardCharsets.UTF_8));
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 2), "api-x", null);
        v.accept(new ChainVerifier.Position(Topics.AUDIT, 0, 3), "other", bytes(x.get(1)));
        ChainVerifier.Result r = v.result();
        assertThat(r.problemCount()).isEqualTo(3);
        assertThat(r.problems().get(0).expected()).isEqualTo("an audit record");
        assertThat(r.problems().get(0).found())
                .startsWith("expected a AuditRecord on facestream.audit.v1, found 9 bytes that do not read as one");
        assertThat(r.problems().get(1).found()).isEqualTo("a tombstone (the audit topic is append-only)");
        assertThat(r.problems().get(2).toString())
                .isEqualTo(
                        "facestream.audit.v1-0@3 (chain api-x, sequence 1): expected key api-x (the chain id), found key other");
    }

    @Test
    void aRecordWithoutAMacFromBeforeAuditKeysIsNamed() {
        AuditRecord sealed = chain("api-old", "api", 1, false).get(0);
        AuditRecord bare = new AuditRecord(
                sealed.chainId(),
                sealed.sequence(),
                sealed.prevHash(),
                AuditRecord.GENESIS_PREV_HASH,
                sealed.at(),
                sealed.actor(),
                sealed.action(),
                sealed.subject(),
                sealed.details(),
                null,
                null);
        AuditRecord hashed = new AuditRecord(
                bare.chainId(),
                bare.sequence(),
                bare.prevHash(),
                bare.computeHash(),
                bare.at(),
                bare.actor(),
                bare.action(),
                bare.subject(),
                bare.details(),
                null,
                null);
        assertThat(verify(List.of(hashed), List.of()).problems())
                .extracting(ChainVerifier.Problem::found)
                .containsExactly(
                        "no keyId and mac: written without the audit key (a forged chain, or its forged start)");
    }
}

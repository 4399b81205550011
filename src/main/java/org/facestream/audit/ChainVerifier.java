package org.facestream.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.JsonSerde;
import org.facestream.events.Topics;

/**
 * Verifies the chains of an audit topic against their checkpoints. First the checkpoints
 * ({@link #acceptCheckpoint}, from {@link Topics#AUDIT_HEADS}), each authenticated under the audit key; then
 * the records ({@link #accept}), in offset order: each reads as an {@link AuditRecord} keyed by its chain id,
 * its hash recomputes, its mac verifies under the audit key (so it was written by a holder of the key: a
 * forged chain or a forged append fails here), its chain starts at sequence 0 linked to 64 zeros, every next
 * record has the next sequence number and links to the hash of the one before, and nothing follows a
 * {@code chain-closed} record. Finally ({@link #result}) every checkpoint's record must be there with the
 * checkpointed hash: a chain that ends before its checkpoint was cut at its tail, one whose records are all
 * missing was removed whole, and a genuine chain without any checkpoint lost it. Pure (no Kafka):
 * {@link AuditTopic} feeds it. Not thread-safe.
 *
 * <p>After a problem it resynchronises so one bad record is reported once and a genuine record is never blamed
 * for a bad one before it: a record whose hash does not recompute, whose mac does not verify, or that repeats
 * a sequence number, is skipped (the chain continues from the last good record, so the genuine record after a
 * forged append verifies); after a gap or a broken link the chain continues from the record found.
 *
 * <p>Checkpoints must be read up to an end offset taken before the records' end offset: then every checkpoint
 * read names a record that is read too (both are written in one transaction), and a record newer than its
 * chain's checkpoint is no problem.
 */
public final class ChainVerifier {
    private static final int MAX_PROBLEMS = 100;
    private final AuditKeyring keys;
    private final JsonSerde<AuditRecord> serde = EventSerdes.audit();
    private final JsonSerde<AuditHead> headSerde = EventSerdes.auditHeads();
    private final Map<String, ChainState> chains = new LinkedHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private long records;
    private long problemCount;

    /** Where a record lies: printed {@code topic-partition@offset}. */
    public record Position(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /**
     * A record that does not verify.
     *
     * @param at the record
     * @param chainId its chain (the key when the record does not read)
     * @param sequence its sequence number, -1 when it does not read
     * @param expected what verification expected
     * @param found what the record holds
     */
    public record Problem(Position at, String chainId, long sequence, String expected, String found) {
        @Override
        public String toString() {
            return at + " (chain " + chainId + (sequence >= 0 ? ", sequence " + sequence : "") + "): expected "
                    + expected + ", found " + found;
        }
    }

    /**
     * One chain as verified.
     *
     * @param chainId the chain
     * @param writer the writer named by its genesis record ({@code details.writer}), or "?" when its start is missing
     * @param records records read (including ones that did not verify)
     * @param firstSequence sequence of its first good record (0 unless its start is missing)
     * @param headSequence sequence of its last good record
     * @param headHash hash of its last good record: record it elsewhere to detect a later cut of the chain's tail
     * @param firstAt time of its first good record
     * @param lastAt time of its last good record
     * @param closed whether it ends with {@code chain-closed} (false: the writer runs, crashed, or the tail is missing)
     * @param checkpointSequence the sequence its checkpoint names, -1 when it has none
     */
    public record ChainSummary(
            String chainId,
            String writer,
            long records,
            long firstSequence,
            long headSequence,
            String headHash,
            Instant firstAt,
            Instant lastAt,
            boolean closed,
            long checkpointSequence) {}

    /** A chain's newest checkpoint and where it was read. */
    private record Checkpoint(AuditHead head, Position at) {}

    /**
     * The outcome.
     *
     * @param records records read
     * @param chains every chain, in order of first appearance
     * @param problems the first problems (at most 100), in offset order
     * @param problemCount every problem found
     */
    public record Result(long records, List<ChainSummary> chains, List<Problem> problems, long problemCount) {
        public Result {
            chains = List.copyOf(chains);
            problems = List.copyOf(problems);
        }

        public boolean verified() {
            return problemCount == 0;
        }
    }

    private static final class ChainState {
        final String chainId;
        String writer = "?";
        long records;
        long firstSequence;
        long nextSequence;
        String headHash;
        Position headAt;
        Instant firstAt;
        Instant lastAt;
        Position closedAt;
        long good;

        ChainState(String chainId) {
            this.chainId = chainId;
        }

        void advance(AuditRecord r, Position at) {
            good++;
            if (firstAt == null) {
                firstAt = r.at();
                firstSequence = r.sequence();
            }
            lastAt = r.at();
            nextSequence = r.sequence() + 1;
            headHash = r.hash();
            headAt = at;
            if (r.action().equals(AuditRecord.CHAIN_STARTED)) {
                writer = r.details().getOrDefault("writer", "?");
            }
            if (r.action().equals(AuditRecord.CHAIN_CLOSED)) {
                closedAt = at;
            }
        }
    }

    /** Verifies records sealed under {@code keys}. */
    public ChainVerifier(AuditKeyring keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Takes the checkpoint at {@code at} (of {@link Topics#AUDIT_HEADS}) with key {@code key} and value
     * {@code value}: each before any record. A tombstone, unreadable bytes, a key other than the chain id, a mac
     * that does not verify, or a checkpoint older than one read before it for the same chain (a replay) is a
     * problem; the newest authentic checkpoint of each chain is kept.
     *
     * @throws IllegalStateException when records were accepted already
     */
    public void acceptCheckpoint(Position at, String key, byte[] value) {
        if (records > 0) {
            throw new IllegalStateException("expected every checkpoint before the first record, found one after");
        }
        if (value == null) {
            problem(
                    at,
                    String.valueOf(key),
                    -1,
                    "a checkpoint",
                    "a tombstone (checkpoints are never deleted: the chain's may have been removed to hide a cut)");
            return;
        }
        AuditHead head;
        try {
            head = headSerde.deserialize(at.topic(), value);
        } catch (SerializationException e) {
            problem(at, String.valueOf(key), -1, "a checkpoint", e.getMessage());
            return;
        }
        if (!head.chainId().equals(key)) {
            problem(at, head.chainId(), head.sequence(), "key " + head.chainId() + " (the chain id)", "key " + key);
            return;
        }
        if (!keys.holds(head.keyId()) || !head.macHolds(keys)) {
            problem(
                    at,
                    head.chainId(),
                    head.sequence(),
                    "a checkpoint authenticated under " + keyNames(),
                    (keys.holds(head.keyId()) ? "mac " + head.mac() + ", which does not verify" : "key " + head.keyId())
                            + ": written without the audit key");
            return;
        }
        Checkpoint before = checkpoints.get(head.chainId());
        if (before != null && head.sequence() < before.head().sequence()) {
            problem(
                    at,
                    head.chainId(),
                    head.sequence(),
                    "a checkpoint at sequence " + before.head().sequence() + " or later (the chain's checkpoint at "
                            + before.at() + ")",
                    "sequence " + head.sequence() + ": an older checkpoint replayed");
            return;
        }
        checkpoints.put(head.chainId(), new Checkpoint(head, at));
    }

    private String keyNames() {
        return "the audit key (" + keys.currentKeyId() + " or a previous one)";
    }

    /** Checks the record at {@code at} with key {@code key} and value {@code value} (either may be null). */
    public void accept(Position at, String key, byte[] value) {
        records++;
        if (value == null) {
            problem(at, String.valueOf(key), -1, "an audit record", "a tombstone (the audit topic is append-only)");
            return;
        }
        AuditRecord r;
        try {
            r = serde.deserialize(at.topic(), value);
        } catch (SerializationException e) {
            problem(at, String.valueOf(key), -1, "an audit record", e.getMessage());
            return;
        }
        ChainState chain = chains.computeIfAbsent(r.chainId(), ChainState::new);
        chain.records++;
        if (!r.chainId().equals(key)) {
            problem(at, r.chainId(), r.sequence(), "key " + r.chainId() + " (the chain id)", "key " + key);
            return;
        }
        String recomputed = r.computeHash();
        if (!recomputed.equals(r.hash())) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "hash " + recomputed + " (recomputed over the record)",
                    "hash " + r.hash());
            return;
        }
        if (r.keyId() == null || !keys.holds(r.keyId()) || !r.macHolds(keys)) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "a record authenticated under " + keyNames(),
                    (r.keyId() == null
                                    ? "no keyId and mac"
                                    : keys.holds(r.keyId())
                                            ? "mac " + r.mac() + " under " + r.keyId() + ", which does not verify"
                                            : "key " + r.keyId())
                            + ": written without the audit key"
                            + (chain.headHash == null
                                    ? " (a forged chain, or its forged start)"
                                    : " (a forged append)"));
            return;
        }
        if (chain.closedAt != null) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "no record after the chain was closed at " + chain.closedAt,
                    "sequence " + r.sequence());
            return;
        }
        if (chain.headHash == null) {
            if (r.sequence() != 0 || !r.prevHash().equals(AuditRecord.GENESIS_PREV_HASH)) {
                problem(
                        at,
                        r.chainId(),
                        r.sequence(),
                        "the chain to start at sequence 0 linked to 64 zeros",
                        "sequence " + r.sequence() + " linked to " + r.prevHash()
                                + " (the chain's earlier records are missing)");
            }
        } else if (r.sequence() < chain.nextSequence) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "sequence " + chain.nextSequence,
                    "sequence " + r.sequence() + " again (a replayed or forged record)");
            return;
        } else if (r.sequence() > chain.nextSequence) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "sequence " + chain.nextSequence,
                    "sequence " + r.sequence() + ": " + (r.sequence() - chain.nextSequence)
                            + " record(s) missing after " + chain.headAt);
        } else if (!r.prevHash().equals(chain.headHash)) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "prevHash " + chain.headHash + " (hash of sequence " + (chain.nextSequence - 1) + " at "
                            + chain.headAt + ")",
                    "prevHash " + r.prevHash());
        }
        Checkpoint cp = checkpoints.get(r.chainId());
        if (cp != null
                && cp.head().sequence() == r.sequence()
                && !cp.head().hash().equals(r.hash())) {
            problem(
                    at,
                    r.chainId(),
                    r.sequence(),
                    "hash " + cp.head().hash() + " (the chain's checkpoint at " + cp.at() + ")",
                    "hash " + r.hash());
        }
        chain.advance(r, at);
    }

    private void problem(Position at, String chainId, long sequence, String expected, String found) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(at, chainId, sequence, expected, found));
        }
    }

    /**
     * What has been verified so far, with every checkpoint held against its chain: a chain that ends before its
     * checkpoint was cut at its tail (named at its first missing record), one with no authentic record was
     * removed whole, and an authentic chain without a checkpoint lost it.
     */
    public Result result() {
        List<Problem> tails = new ArrayList<>();
        for (Checkpoint cp : checkpoints.values()) {
            AuditHead head = cp.head();
            ChainState c = chains.get(head.chainId());
            if (c == null || c.good == 0) {
                tails.add(new Problem(
                        cp.at(),
                        head.chainId(),
                        0,
                        "records of the chain up to its checkpointed head, sequence " + head.sequence() + " (hash "
                                + head.hash() + ")",
                        "no authentic record of it: the chain was removed whole"));
            } else if (c.nextSequence - 1 < head.sequence()) {
                long first = c.nextSequence;
                tails.add(new Problem(
                        cp.at(),
                        head.chainId(),
                        first,
                        "sequence " + first + (first < head.sequence() ? ".." + head.sequence() : "") + " after "
                                + c.headAt + " (the chain's checkpointed head is sequence " + head.sequence()
                                + ", hash " + head.hash() + ")",
                        "the chain ending at sequence " + (first - 1) + ": " + (head.sequence() - first + 1)
                                + " record(s) cut from its tail"));
            }
        }
        for (ChainState c : chains.values()) {
            if (c.good > 0 && !checkpoints.containsKey(c.chainId)) {
                tails.add(new Problem(
                        c.headAt,
                        c.chainId,
                        c.nextSequence - 1,
                        "a checkpoint of the chain's head on " + Topics.AUDIT_HEADS,
                        "none (deleted, and with it any evidence of a cut tail)"));
            }
        }
        List<Problem> all = new ArrayList<>(problems);
        long count = problemCount;
        for (Problem p : tails) {
            count++;
            if (all.size() < MAX_PROBLEMS) {
                all.add(p);
            }
        }
        List<ChainSummary> summaries = new ArrayList<>();
        for (ChainState c : chains.values()) {
            summaries.add(new ChainSummary(
                    c.chainId,
                    c.writer,
                    c.records,
                    c.firstSequence,
                    c.nextSequence - 1,
                    c.headHash,
                    c.firstAt,
                    c.lastAt,
                    c.closedAt != null,
                    checkpoints.containsKey(c.chainId)
                            ? checkpoints.get(c.chainId).head().sequence()
                            : -1));
        }
        return new Result(records, summaries, all, count);
    }
}

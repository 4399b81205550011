package org.facestream.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.JsonSerde;

/**
 * Verifies the hash chains of an audit topic, record by record in offset order: each record reads as an
 * {@link AuditRecord} keyed by its chain id, its hash recomputes, its chain starts at sequence 0 linked to 64
 * zeros, every next record has the next sequence number and links to the hash of the one before, and nothing
 * follows a {@code chain-closed} record. Pure (no Kafka): {@link AuditTopic} feeds it. Not thread-safe.
 *
 * <p>After a problem it resynchronises so one bad record is reported once: a record whose hash does not
 * recompute, or that repeats a sequence number, is skipped (the chain continues from the last good record);
 * after a gap or a broken link the chain continues from the record found.
 */
public final class ChainVerifier {
    private static final int MAX_PROBLEMS = 100;
    private final JsonSerde<AuditRecord> serde = EventSerdes.audit();
    private final Map<String, ChainState> chains = new LinkedHashMap<>();
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
            boolean closed) {}

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

        ChainState(String chainId) {
            this.chainId = chainId;
        }

        void advance(AuditRecord r, Position at) {
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
        chain.advance(r, at);
    }

    private void problem(Position at, String chainId, long sequence, String expected, String found) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(at, chainId, sequence, expected, found));
        }
    }

    /** What has been verified so far. */
    public Result result() {
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
                    c.closedAt != null));
        }
        return new Result(records, summaries, problems, problemCount);
    }
}

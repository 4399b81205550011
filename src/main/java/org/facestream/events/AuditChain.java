package org.facestream.events;

import java.util.Objects;

/**
 * The head of one writer's audit chain: the id, the sequence number the next record gets and the hash it must
 * link to. Holds no key: it is kept in state stores. Immutable: {@link #seal} makes the next record, {@link #after} the head once that record is
 * durably written, so a write that failed (an aborted transaction) leaves the head where it was.
 *
 * @param chainId the chain
 * @param nextSequence sequence of the next record, 0 for a new chain
 * @param prevHash hash of the last written record, {@link AuditRecord#GENESIS_PREV_HASH} for a new chain
 */
public record AuditChain(String chainId, long nextSequence, String prevHash) {
    public AuditChain {
        Validation.requireId("chainId", chainId);
        if (nextSequence < 0) {
            throw new IllegalArgumentException("expected nextSequence >= 0, found " + nextSequence);
        }
        Objects.requireNonNull(prevHash, "prevHash");
        if ((nextSequence == 0) != prevHash.equals(AuditRecord.GENESIS_PREV_HASH)) {
            throw new IllegalArgumentException(
                    "expected prevHash " + (nextSequence == 0 ? "of 64 zeros" : "of a record") + " at sequence "
                            + nextSequence + ", found " + prevHash);
        }
    }

    /** A new chain: its first record is sequence 0 and links to 64 zeros. */
    public static AuditChain start(String chainId) {
        return new AuditChain(chainId, 0, AuditRecord.GENESIS_PREV_HASH);
    }

    /** The next record of this chain for {@code entry}, its hash computed and sealed under {@code keys}' current key. */
    public AuditRecord seal(AuditEntry entry, AuditKeyring keys) {
        String keyId = keys.currentKeyId();
        AuditRecord unsealed = new AuditRecord(
                chainId,
                nextSequence,
                prevHash,
                AuditRecord.GENESIS_PREV_HASH,
                entry.at(),
                entry.actor(),
                entry.action(),
                entry.subject(),
                entry.details(),
                keyId,
                AuditRecord.GENESIS_PREV_HASH);
        byte[] canonical = unsealed.canonicalBytes();
        return new AuditRecord(
                chainId,
                nextSequence,
                prevHash,
                AuditRecord.sha256Hex(canonical),
                entry.at(),
                entry.actor(),
                entry.action(),
                entry.subject(),
                entry.details(),
                keyId,
                keys.mac(canonical));
    }

    /** The head once {@code written}, sealed by this head, is durable. */
    public AuditChain after(AuditRecord written) {
        if (!written.chainId().equals(chainId)
                || written.sequence() != nextSequence
                || !written.prevHash().equals(prevHash)) {
            throw new IllegalArgumentException(
                    "expected record " + chainId + "#" + nextSequence + " linking to " + prevHash + ", found "
                            + written.chainId() + "#" + written.sequence() + " linking to " + written.prevHash());
        }
        return new AuditChain(chainId, nextSequence + 1, written.hash());
    }
}

/**
 * The audit log: {@code facestream.audit.v1}, append-only (cleanup delete, retention -1), one hash chain per
 * writer, every record authenticated under the audit key (HMAC-SHA256, {@link org.facestream.events.AuditKeyring})
 * and every chain's head checkpointed on the compacted {@code facestream.audit-heads.v1}.
 * {@link org.facestream.audit.AuditLog} writes a chain for a plain-client process (API, enroll, erase, every
 * role's configuration at start), each record and its checkpoint in one Kafka transaction, optionally with the
 * gallery change it records; the threshold aggregator writes its own chain from its topology
 * ({@code org.facestream.match.ThresholdAggregatorTopology}). {@link org.facestream.audit.AuditTopic} reads both
 * topics (read_committed) and {@link org.facestream.audit.ChainVerifier} checks every chain against its
 * checkpoint: {@code facestream audit verify} names a cut tail, a forged chain and a forged append. Records and
 * their canonical form: {@link org.facestream.events.AuditRecord}, {@link org.facestream.events.AuditHead};
 * schema: {@code topologies/schemas/audit-record.md}.
 */
package org.facestream.audit;

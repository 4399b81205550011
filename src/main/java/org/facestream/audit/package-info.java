/**
 * The audit log: {@code facestream.audit.v1}, append-only (cleanup delete, retention -1), one hash chain per
 * writer. {@link org.facestream.audit.AuditLog} writes a chain for a plain-client process (API, enroll, erase,
 * every role's configuration at start), each record in a Kafka transaction, optionally with the gallery
 * change it records; the threshold aggregator writes its own chain from its topology
 * ({@code org.facestream.match.ThresholdAggregatorTopology}). {@link org.facestream.audit.AuditTopic} reads the
 * whole topic (read_committed) and {@link org.facestream.audit.ChainVerifier} checks every chain:
 * {@code facestream audit verify}. Records and their canonical form: {@link org.facestream.events.AuditRecord};
 * schema: {@code topologies/schemas/audit-record.md}.
 */
package org.facestream.audit;

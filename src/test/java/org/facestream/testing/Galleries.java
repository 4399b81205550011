package org.facestream.testing;

import java.util.Map;
import java.util.Optional;
import org.facestream.audit.AuditLog;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.metrics.MetricsRegistry;

/**
 * Seeds a gallery the way production writes it: each record sealed under a new data key of its subject, key,
 * record and audit record in one transaction, on a short-lived chain.
 */
public final class Galleries {
    private Galleries() {}

    /** Publishes new subjects (none of them may have a key yet) under {@code masterKeys}. */
    public static void publish(Map<String, Object> kafka, MasterKeys masterKeys, Map<String, GalleryRecord> records) {
        try (AuditLog audit = AuditLog.open(kafka, "test", TestAuditKeys.keys(), new MetricsRegistry())) {
            GalleryPublisher publisher = new GalleryPublisher(audit, masterKeys, subject -> Optional.empty());
            records.values().forEach(r -> publisher.publish(r, enrolled(r)));
        }
    }

    /** The {@code subject-enrolled} entry of a test enrollment. */
    public static AuditEntry enrolled(GalleryRecord r) {
        return AuditEntry.of(
                AuditEntry.user("test"),
                AuditRecord.SUBJECT_ENROLLED,
                r.subjectId(),
                Map.of(
                        "via",
                        "test",
                        "templates",
                        Integer.toString(r.templates().size())));
    }

    /** The {@code subject-erased} entry of a test erasure. */
    public static AuditEntry erased(String subjectId) {
        return AuditEntry.of(AuditEntry.user("test"), AuditRecord.SUBJECT_ERASED, subjectId, Map.of("via", "test"));
    }
}

package org.facestream.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One erasure, the value of the append-only {@link Topics#ERASURES} topic (key: the subject id), written by the
 * gallery processor in the same transaction as the subject's key and gallery tombstones. Readers remember the
 * destroyed key id for good: the matcher and the API refuse a key record or a gallery record that names it
 * (a replay, a restored backup), also after a restart, since the topic is never compacted or expired. The API
 * drops the subject's identity events decided up to {@code erasedAt}. Schema: {@code topologies/schemas/erasure.md}.
 *
 * @param subjectId the erased subject
 * @param keyId the data key the erasure destroyed, or null when the processor held none for the subject (then
 *     only the tombstones were written)
 * @param erasedAt when the gallery processor applied the erasure
 * @param requestId the erase command's request id
 */
public record ErasureRecord(String subjectId, String keyId, Instant erasedAt, String requestId) {
    public ErasureRecord {
        Validation.requireId("subjectId", subjectId);
        if (keyId != null) {
            Validation.requireId("keyId", keyId);
        }
        Objects.requireNonNull(erasedAt, "erasedAt");
        Validation.requireId("requestId", requestId);
    }
}

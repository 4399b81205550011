package org.facestream.events;

import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tail of a matcher instance's null-score window, carried by {@link NullScoreReport#tail()} (reports of
 * earlier versions have none): each window bucket's top scores with the cohort identity and camera behind each,
 * so the aggregator can bound how many tail scores one cohort identity or one camera owns after merging every
 * instance's window. The scores listed here are not in the report's histogram; the report's count is the
 * histogram's plus the listed entries.
 *
 * <p>The entries travel opaque, as base64 of the matcher's encoding (score, smooth-max, identity index, camera
 * index), which {@code org.facestream.match.threshold.NullScoreReports} writes and reads; the dictionaries name
 * the indices.
 *
 * @param usableIdentities cohort identities that give null scores, both halves (K_u: the cap is a multiple of an
 *     identity's even share of the tail)
 * @param entries the listed scores, as base64
 * @param identities cohort identity names (the operator's cohort folder names) by index
 * @param cameras camera ids by index
 * @param capped per cohort identity name, the scores the window's buckets dropped because that identity already
 *     had its share listed (the audit's capped scores)
 * @param samePerson per cohort identity name, the probes (and priming templates) in the window it was left out of
 *     as their own person (cosine at or above the same-person cut-off): the operator's signal for duplicates
 *     of frequent unknown visitors, which hygiene cannot see
 */
public record NullScoreTail(
        int usableIdentities,
        String entries,
        List<String> identities,
        List<String> cameras,
        Map<String, Long> capped,
        Map<String, Long> samePerson) {
    public NullScoreTail {
        if (usableIdentities < 0) {
            throw new IllegalArgumentException("expected non-negative usableIdentities, found " + usableIdentities);
        }
        if (entries == null) {
            throw new IllegalArgumentException("expected tail entries, found none");
        }
        entriesBytes(entries);
        identities = identities == null ? List.of() : List.copyOf(identities);
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        capped = capped == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(capped));
        samePerson = samePerson == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(samePerson));
        if (capped.values().stream().anyMatch(v -> v == null || v < 0)
                || samePerson.values().stream().anyMatch(v -> v == null || v < 0)) {
            throw new IllegalArgumentException("expected non-negative counts, found " + capped + ", " + samePerson);
        }
    }

    /** The encoded entries (the base64 decoded; what the bytes say is the matcher's to read). */
    public byte[] entriesBytes() {
        return entriesBytes(entries);
    }

    private static byte[] entriesBytes(String entries) {
        try {
            return Base64.getDecoder().decode(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "expected base64 tail entries, found some that do not decode: " + e.getMessage(), e);
        }
    }
}

package org.facestream.events;

import java.util.regex.Pattern;

/** Invariant checks shared by the wire records; messages read "expected X, found Y". */
final class Validation {
    /** Ids travel in keys, URLs and file names: keep them to a safe alphabet. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    /** Ingest runs are one segment of an observation id: no slash, no dot, short. */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,39}");

    private Validation() {}

    static void requireId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("expected " + what + " of 1-128 characters [A-Za-z0-9._:@-], found "
                    + (id == null ? "null" : "'" + id + "'"));
        }
    }

    /** An ingest run id, or null for records written before runs existed. */
    static void requireRunOrNull(String run) {
        if (run != null && !RUN.matcher(run).matches()) {
            throw new IllegalArgumentException(
                    "expected ingestRun of 1-40 characters [A-Za-z0-9-] (or none), found '" + run + "'");
        }
    }

    static float[] requireEmbedding(String what, float[] v) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException(
                    "expected a non-empty " + what + ", found " + (v == null ? "null" : "length 0"));
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new NonFiniteValueException(what, i, v[i]);
            }
        }
        return v.clone();
    }

    static byte[] requireLength(String what, byte[] bytes, int length) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException("expected a " + what + " of " + length + " bytes, found "
                    + (bytes == null ? "none" : bytes.length + " bytes"));
        }
        return bytes.clone();
    }

    static void requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("expected finite " + what + ", found " + value);
        }
    }
}

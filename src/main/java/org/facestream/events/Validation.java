package org.facestream.events;

import java.util.regex.Pattern;

/** Invariant checks shared by the wire records; messages read "expected X, found Y". */
final class Validation {
    /**
     * Ids travel in keys, URLs and file names: keep them to a safe alphabet, and let none start like a path
     * ({@code .}, {@code ..}), an option ({@code -x}) or anything but a letter or a digit.
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    /** Ingest runs are one segment of an observation id: no slash, no dot, short. */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,39}");

    /** The id rule in words, for messages. */
    static final String ID_RULE = "1-128 characters [A-Za-z0-9._:@-], the first a letter or a digit";

    private Validation() {}

    static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    static void requireId(String what, String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("expected " + what + " of " + ID_RULE + ", found "
                    + (id == null ? "null" : "'" + Printable.of(id, 80) + "'"));
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

package org.facestream.match;

/**
 * A value of a global store's source topic as its deserializer reads it: a record, or a marker for bytes
 * that do not read as one. Bad bytes must not throw in a global source: a global store's deserialization
 * error stops the global thread (and with it the whole instance), so the loader receives the marker instead
 * and skips it with a count and a log line. Tombstones stay null.
 *
 * @param <T> the record type
 */
sealed interface LenientValue<T> {
    record Readable<T>(T value) implements LenientValue<T> {}

    /**
     * @param detail why the bytes did not read
     * @param length number of bytes
     */
    record Unreadable<T>(String detail, int length) implements LenientValue<T> {}
}

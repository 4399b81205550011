package org.facestream.events;

/**
 * A vector of a wire record (an embedding, a template, landmarks) holds NaN or an infinite value. Thrown by
 * the records' compact constructors, so it reaches a consumer as the cause of the deserializer's
 * {@link org.apache.kafka.common.errors.SerializationException}; the matcher looks for it there to
 * dead-letter such observations with their own reason ({@code embedding-not-finite}) rather than the
 * generic one, since they point at a broken embedder rather than at corrupt bytes.
 */
public final class NonFiniteValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final int index;

    NonFiniteValueException(String field, int index, float value) {
        super("expected finite " + field + " values, found " + value + " at index " + index);
        this.field = field;
        this.index = index;
    }

    /** Which vector: {@code embedding}, {@code template embedding} or {@code landmarks}. */
    public String field() {
        return field;
    }

    /** Index of the first non-finite value. */
    public int index() {
        return index;
    }

    /** The {@code NonFiniteValueException} in {@code e}'s cause chain, or null. */
    public static NonFiniteValueException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NonFiniteValueException n) {
                return n;
            }
        }
        return null;
    }
}

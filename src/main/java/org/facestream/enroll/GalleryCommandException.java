package org.facestream.enroll;

import java.util.Objects;

/**
 * A gallery command that did not change the gallery, or whose outcome its entry point does not know: the message
 * says which, and what to do.
 */
public final class GalleryCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** The gallery processor refused it (its outcome says why): nothing changed. */
        REFUSED,
        /** An enrollment that reached the gallery processor after it expired: nothing changed. */
        EXPIRED,
        /**
         * No outcome within the wait: an erasure stays queued and will be applied when the gallery processor runs;
         * an enrollment expires and will be refused.
         */
        TIMED_OUT,
        /** The command could not be submitted (Kafka unreachable, ...): nothing was queued. */
        UNAVAILABLE
    }

    private final Kind kind;

    public GalleryCommandException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public GalleryCommandException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}

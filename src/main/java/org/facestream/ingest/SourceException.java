package org.facestream.ingest;

/** A source that cannot be opened or read at all (missing file, unsupported codec, bad URL). */
public final class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

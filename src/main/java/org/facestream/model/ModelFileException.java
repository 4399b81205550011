package org.facestream.model;

/** A model file is missing, unreadable, unpinned or not the file its pack names (sha256 mismatch). */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

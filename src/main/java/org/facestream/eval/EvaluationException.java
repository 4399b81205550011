package org.facestream.eval;

/** An evaluation that cannot go on: an unreadable image or annotation file, named in the message. */
public final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvaluationException(String message) {
        super(message);
    }

    public EvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.facestream.api;

/** A request the API refuses: the HTTP status and a message safe to show the client. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("expected an HTTP error status in [400, 599], found " + status);
        }
        this.status = status;
    }

    /** The HTTP status, 4xx or 5xx. */
    public int status() {
        return status;
    }
}

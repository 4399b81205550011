package org.facestream.eval;

/** A pairs file that does not follow the LFW format, or names an image that is not there; names the line. */
public final class PairsFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PairsFormatException(String message) {
        super(message);
    }
}

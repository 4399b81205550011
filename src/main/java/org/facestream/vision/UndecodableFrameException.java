package org.facestream.vision;

/**
 * Frame bytes that cannot or must not be decoded: not an image, corrupt, declaring more pixels than allowed,
 * or over the decode budget ({@link DecodeBudgetException}). The worker dead-letters the frame and keeps going.
 */
public class UndecodableFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UndecodableFrameException(String message) {
        super(message);
    }
}

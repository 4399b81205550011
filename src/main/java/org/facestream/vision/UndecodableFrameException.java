package org.facestream.vision;

/**
 * Frame bytes that cannot or must not be decoded: not an image, corrupt, or declaring more pixels than
 * allowed. The worker dead-letters the frame and keeps going.
 */
public final class UndecodableFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UndecodableFrameException(String message) {
        super(message);
    }
}

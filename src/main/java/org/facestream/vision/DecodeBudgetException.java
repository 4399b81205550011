package org.facestream.vision;

/**
 * Image bytes whose decoding would cost more than the decoder's budget allows (a progressive JPEG with more
 * scans than {@link FrameDecoder#maxScans()}): refused before any pixel is decoded. The worker dead-letters
 * such a frame with its own reason, enrollment refuses the photo.
 */
public final class DecodeBudgetException extends UndecodableFrameException {
    private static final long serialVersionUID = 1L;

    public DecodeBudgetException(String message) {
        super(message);
    }
}

package org.facestream.crypto;

/**
 * A sealed gallery record or a wrapped data key that cannot be opened: its key is destroyed or not
 * configured, or it does not authenticate (tampered, moved to another subject, sealed under another key).
 * The message names the subject, the key ids and which of these it is. {@link InvalidPayloadException} is the
 * case of a record that authenticates but holds no valid record.
 */
public class DecryptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DecryptionException(String message) {
        super(message);
    }
}

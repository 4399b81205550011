package org.facestream.crypto;

/**
 * A sealed gallery record that authenticates under its subject's data key but whose content is not a valid
 * record (a template with NaN, of another length or not L2-normalised, no template, another count or
 * dimension than its clear fields declare, bytes that do not read). Only a writer holding the subject's key
 * can make one, so it means a broken writer, not tampering: the matcher counts it apart
 * ({@code invalid-record}) from records that do not authenticate ({@code decryption-failed}).
 */
public final class InvalidPayloadException extends DecryptionException {
    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(message);
    }
}

package org.facestream.api;

import java.util.Optional;

/** Checks a presented API key. Implementations are thread-safe and take the same time for every wrong key. */
public interface Credentials {
    /** The principal of {@code presentedKey}, or empty when it is no valid key. */
    Optional<Principal> authenticate(String presentedKey);
}

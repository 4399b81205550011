package org.facestream.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rule for the id of a worker or matcher process when none is given: the host name (container
 * orchestrators set {@code HOSTNAME} to the pod name, which is stable across restarts), with every character
 * Kafka ids and file names cannot hold replaced by {@code -}. Transactional ids derive from it, so a
 * restarted process on the same host fences its own zombie.
 */
public final class InstanceIds {
    /** The id when the host has no name that can be found. */
    static final String FALLBACK = "worker";

    private InstanceIds() {}

    /** {@code HOSTNAME}, else the local host's name, else {@value #FALLBACK}; made safe by {@link #safe}. */
    public static String ofThisHost() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                h = FALLBACK;
            }
        }
        return safe(h);
    }

    /** {@code name} with every character outside {@code [A-Za-z0-9._-]} replaced by {@code -}. */
    public static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}

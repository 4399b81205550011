package org.facestream.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * What an API key may do. Roles are ordered, each including the ones before it: a {@code viewer} reads
 * (events, the live stream, thumbnails, subjects, threshold, cameras, stats), an {@code operator} also
 * enrolls, an {@code admin} also erases subjects and configures.
 */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    /** Whether a key of this role may do what {@code required} may. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /** The name in key files and messages: {@code viewer}, {@code operator}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code label}. */
    public static Role parse(String label) {
        for (Role r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("expected role "
                + String.join(", ", Arrays.stream(values()).map(Role::label).toList()) + ", found '" + label + "'");
    }
}

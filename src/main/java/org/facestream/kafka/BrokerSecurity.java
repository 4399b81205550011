package org.facestream.kafka;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How clients reach an {@link EmbeddedKafkaBroker}: the security protocol of its client listener, the
 * SASL/PLAIN users it accepts, and the TLS key store it presents. Kafka's own settings are generated from it
 * (the listener, {@code sasl.enabled.mechanisms}, the listener's JAAS users, the key store), and
 * {@link #clientSettings} gives the matching client side, the {@code kafka.*} keys of a FaceStream process
 * without the prefix. The broker talks to itself over the same listener as the user {@code broker} with a
 * password drawn at start; the KRaft controller listener stays PLAINTEXT on 127.0.0.1 (it serves no client
 * data). Immutable.
 *
 * @param protocol PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL
 * @param users SASL/PLAIN user names to passwords (SASL protocols only)
 * @param tls the broker's key store and a trust store for its clients (SSL protocols only)
 */
public record BrokerSecurity(String protocol, Map<String, String> users, Tls tls) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
    public static final String BROKER_USER = "broker";

    /**
     * TLS material: a PKCS12 key store holding the broker's key and a certificate for 127.0.0.1, and a PKCS12
     * trust store holding that certificate, both protected by {@code password}.
     */
    public record Tls(Path keyStore, Path trustStore, String password) {
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(trustStore, "trustStore");
            Objects.requireNonNull(password, "password");
        }
    }

    public BrokerSecurity {
        Objects.requireNonNull(protocol, "protocol");
        users = Map.copyOf(users);
        boolean sasl = protocol.startsWith("SASL_");
        boolean ssl = protocol.endsWith("SSL");
        if (!Pattern.matches("PLAINTEXT|SASL_PLAINTEXT|SSL|SASL_SSL", protocol)) {
            throw new IllegalArgumentException(
                    "expected protocol PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL, found " + protocol);
        }
        if (sasl == users.isEmpty()) {
            throw new IllegalArgumentException(
                    sasl
                            ? "expected at least one SASL user for " + protocol + ", found none"
                            : "expected no SASL users for " + protocol + ", found " + users.keySet());
        }
        if (ssl != (tls != null)) {
            throw new IllegalArgumentException(
                    ssl
                            ? "expected a key store for " + protocol + ", found none"
                            : "expected no key store for " + protocol + ", found " + tls.keyStore());
        }
        users.forEach((user, password) -> {
            // both end up inside a quoted JAAS option: keep them to characters that need no escaping
            if (!SAFE.matcher(user).matches() || !SAFE.matcher(password).matches() || user.equals(BROKER_USER)) {
                throw new IllegalArgumentException(
                        "expected SASL user names and passwords of 1-128 characters [A-Za-z0-9._@+-] "
                                + "(and no user '" + BROKER_USER + "'), found user '" + user + "'");
            }
        });
    }

    /** No authentication, no encryption: the default. */
    public static BrokerSecurity plaintext() {
        return new BrokerSecurity("PLAINTEXT", Map.of(), null);
    }

    /** SASL/PLAIN over an unencrypted connection, with {@code users} (name to password). */
    public static BrokerSecurity saslPlaintext(Map<String, String> users) {
        return new BrokerSecurity("SASL_PLAINTEXT", users, null);
    }

    /** SASL/PLAIN inside TLS. */
    public static BrokerSecurity saslSsl(Map<String, String> users, Tls tls) {
        return new BrokerSecurity("SASL_SSL", users, tls);
    }

    public boolean sasl() {
        return protocol.startsWith("SASL_");
    }

    public boolean ssl() {
        return protocol.endsWith("SSL");
    }

    /** The broker settings for a listener of this protocol named like it (its name is its protocol). */
    public Map<String, String> brokerSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        String listener = protocol.toLowerCase(Locale.ROOT);
        if (sasl()) {
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String brokerPassword = HexFormat.of().formatHex(secret);
            StringBuilder jaas = new StringBuilder(
                            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"")
                    .append(BROKER_USER)
                    .append("\" password=\"")
                    .append(brokerPassword)
                    .append("\" user_")
                    .append(BROKER_USER)
                    .append("=\"")
                    .append(brokerPassword)
                    .append('"');
            users.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            jaas.append(';');
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("listener.name." + listener + ".plain.sasl.jaas.config", jaas.toString());
        }
        if (ssl()) {
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", tls.keyStore().toAbsolutePath().toString());
            p.put("ssl.keystore.password", tls.password());
            p.put("ssl.key.password", tls.password());
            // the broker is a client of its own listener (inter-broker traffic): it must trust its certificate too
            p.put("ssl.truststore.type", "PKCS12");
            p.put("ssl.truststore.location", tls.trustStore().toAbsolutePath().toString());
            p.put("ssl.truststore.password", tls.password());
        }
        return p;
    }

    /**
     * The client settings that connect as {@code user} with {@code password} (ignored for PLAINTEXT and SSL):
     * what a FaceStream process takes as {@code -D kafka.<key>=<value>}. Bootstrap is not included.
     */
    public Map<String, String> clientSettings(String user, String password) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("security.protocol", protocol);
        if (sasl()) {
            m.put("sasl.mechanism", "PLAIN");
            m.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                            + "\" password=\"" + password + "\";");
        }
        if (ssl()) {
            m.put("ssl.truststore.type", "PKCS12");
            m.put("ssl.truststore.location", tls.trustStore().toAbsolutePath().toString());
            m.put("ssl.truststore.password", tls.password());
        }
        return m;
    }
}

package org.facestream.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * The first thing every client command does: ask the cluster to describe itself, so that a wrong
 * {@code --bootstrap} fails in seconds with one clear line instead of a client retrying forever.
 */
public final class KafkaReachability {
    private KafkaReachability() {}

    /** What {@link #require} learned about the cluster. */
    public record ClusterInfo(String clusterId, int brokers, Duration took) {}

    /**
     * Returns when the cluster at {@code bootstrap} answers within {@code timeout}.
     *
     * @throws KafkaUnreachableException "Kafka at 127.0.0.1:9 is unreachable after 5 s: ..." otherwise
     */
    public static ClusterInfo require(String bootstrap, Duration timeout) {
        return require(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), timeout);
    }

    /**
     * As {@link #require(String, Duration)}, connecting with the process's Kafka client settings (bootstrap plus
     * the {@code kafka.*} keys: security protocol, SASL, TLS), so the check proves what the stage's own clients
     * will do: a wrong password fails here, in seconds, with one line naming the keys to check.
     *
     * @throws KafkaUnreachableException when no broker answers, or it refuses the credentials or the TLS handshake
     */
    public static ClusterInfo require(Map<String, Object> clientSettings, Duration timeout) {
        Objects.requireNonNull(clientSettings, "clientSettings");
        Objects.requireNonNull(timeout, "timeout");
        Object configured = clientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        String bootstrap = configured == null ? "" : configured.toString();
        if (bootstrap.isBlank()) {
            throw new IllegalArgumentException(
                    "expected a bootstrap address like 127.0.0.1:9092, found an empty string");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("expected a positive timeout, found " + timeout);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        long started = System.nanoTime();
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "facestream-reachability");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        // A refused connection would otherwise back off up to 1 s between tries; poll the port often.
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        String protocol =
                String.valueOf(clientSettings.getOrDefault(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (RuntimeException e) {
            // e.g. an unresolvable host, a malformed address, a JAAS line that does not parse, a missing trust store
            throw new KafkaUnreachableException(message(bootstrap, timeout, protocol, e), e);
        }
        try (admin) {
            var result = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis));
            String clusterId = result.clusterId().get(millis, TimeUnit.MILLISECONDS);
            int brokers = result.nodes().get(millis, TimeUnit.MILLISECONDS).size();
            return new ClusterInfo(clusterId, brokers, Duration.ofNanos(System.nanoTime() - started));
        } catch (ExecutionException e) {
            throw new KafkaUnreachableException(message(bootstrap, timeout, protocol, e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException(message(bootstrap, timeout, protocol, e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException("interrupted while checking Kafka at " + bootstrap, e);
        }
    }

    private static String message(String bootstrap, Duration timeout, String protocol, Throwable cause) {
        String why = cause == null ? "no answer" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (cause instanceof AuthenticationException) {
            // SaslAuthenticationException (wrong user or password), SslAuthenticationException (certificate)
            return "Kafka at " + bootstrap + " refused the connection: " + why
                    + " (check kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config and kafka.ssl.* settings)";
        }
        String seconds = timeout.toMillis() % 1000 == 0
                ? Long.toString(timeout.toSeconds())
                : String.format(Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0);
        return "Kafka at " + bootstrap + " is unreachable after " + seconds + " s: " + why
                + " (is a broker running there, with a " + protocol + " listener (kafka.security.protocol)?)";
    }

    /** Thrown when no broker answers at the bootstrap address. */
    public static final class KafkaUnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public KafkaUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

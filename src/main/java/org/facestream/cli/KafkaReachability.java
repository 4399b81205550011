package org.facestream.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

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
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(timeout, "timeout");
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException("expected a bootstrap address like 127.0.0.1:9092, found an empty string");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("expected a positive timeout, found " + timeout);
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    long started = System.nanoTime();
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "facestream-reachability",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
        // A refused connection would otherwise back off up to 1 s between tries; poll the port often.
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    Admin admin;
    try {
      admin = Admin.create(config);
    } catch (RuntimeException e) {
      // e.g. an unresolvable host or a malformed address
      throw new KafkaUnreachableException(message(bootstrap, timeout, e), e);
    }
    try (admin) {
      var result = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis));
      String clusterId = result.clusterId().get(millis, TimeUnit.MILLISECONDS);
      int brokers = result.nodes().get(millis, TimeUnit.MILLISECONDS).size();
      return new ClusterInfo(clusterId, brokers, Duration.ofNanos(System.nanoTime() - started));
    } catch (ExecutionException e) {
      throw new KafkaUnreachableException(message(bootstrap, timeout, e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnreachableException(message(bootstrap, timeout, e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnreachableException("interrupted while checking Kafka at " + bootstrap, e);
    }
  }

  private static String message(String bootstrap, Duration timeout, Throwable cause) {
    String seconds = timeout.toMillis() % 1000 == 0
        ? Long.toString(timeout.toSeconds())
        : String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0);
    String why = cause == null ? "no answer" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return "Kafka at " + bootstrap + " is unreachable after " + seconds + " s: " + why
        + " (is a broker running there?)";
  }

  /** Thrown when no broker answers at the bootstrap address. */
  public static final class KafkaUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

package org.facestream.api;

import java.util.OptionalLong;

/**
 * Questions the API asks the Kafka cluster for {@code /health} and {@code /cameras}. Answers may be cached
 * for a few seconds; implementations are thread-safe and never block a request for long.
 */
public interface ClusterProbe {
    /** True when the cluster answered recently. */
    boolean brokerReachable();

    /**
     * Frames of {@code cameraId}'s partition of {@code facestream.frames.v1} the worker group has not yet
     * committed past; empty when unknown (no such group yet, or the cluster did not answer).
     */
    OptionalLong workerLag(String cameraId);
}

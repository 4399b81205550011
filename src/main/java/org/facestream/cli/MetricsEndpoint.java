package org.facestream.cli;

import org.facestream.config.FaceStreamConfig;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.metrics.MetricsServer;

/** Starts the role's {@code /metrics} endpoint when {@code metrics.port} is set. */
final class MetricsEndpoint {
    private MetricsEndpoint() {}

    /** The running server, or null when {@code metrics.port} is 0. */
    static MetricsServer startIfConfigured(FaceStreamConfig cfg, MetricsRegistry metrics) {
        int port = cfg.integer(FaceStreamConfig.METRICS_PORT);
        if (port == 0) {
            return null;
        }
        MetricsServer server = MetricsServer.start(cfg.string(FaceStreamConfig.METRICS_HOST), port, metrics);
        System.err.println("facestream: metrics on http://" + cfg.string(FaceStreamConfig.METRICS_HOST) + ":"
                + server.port() + "/metrics");
        return server;
    }
}

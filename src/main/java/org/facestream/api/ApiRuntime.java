package org.facestream.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditLogs;
import org.facestream.config.ApiSettings;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.metrics.MetricsRegistry;

/**
 * The API server wired to Kafka: the gallery view, the enrollment service submitting gallery commands
 * ({@link KafkaGalleryCommands}: the gallery processor applies them), the live feeds (hiding erased subjects),
 * the cluster probe and the API keys. What depends on the process
 * around it (the enroller and its analyzer, a matcher in the same process, where the threshold comes from)
 * it is given as a {@link Wiring}. Used by {@code facestream api} and {@code demo --port}. The audit log and
 * the wiring's analyzer belong to the caller. Closing stops the server first, then its consumers.
 */
public final class ApiRuntime implements AutoCloseable {
    /** Id of the demo's ephemeral admin key. */
    public static final String EPHEMERAL_KEY_ID = "demo-admin";

    private static final Duration KEY_FILE_CHECK = Duration.ofSeconds(5);

    /**
     * What the process running the API provides besides Kafka.
     *
     * @param enrollment images to templates (an enroller on the pack's portrait settings)
     * @param matcher the matcher in this process, or {@link MatcherProbe#UNKNOWN}
     * @param threshold the threshold {@code GET /api/v1/threshold} shows
     * @param published a history the live feeds fill from {@code facestream.thresholds.v1} (a matcher elsewhere
     *     deciding adaptively; then also {@code threshold}), or null
     */
    public record Wiring(
            Enrollment enrollment, MatcherProbe matcher, ThresholdSource threshold, ThresholdHistory published) {
        public Wiring {
            Objects.requireNonNull(enrollment, "enrollment");
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(threshold, "threshold");
            if (published != null && published != threshold) {
                throw new IllegalArgumentException(
                        "expected the history read from the thresholds topic to be the threshold shown, found another");
            }
        }
    }

    private final KafkaGalleryView gallery;
    private final KafkaGalleryCommands commands;
    private final LiveFeed live;
    private final KafkaFeeds feeds;
    private final AdminClusterProbe probe;
    private final ApiKeyFile keyFile;
    private final ApiServer server;

    private ApiRuntime(
            FaceStreamConfig cfg,
            MasterKeys masterKeys,
            ApiSettings settings,
            Wiring wiring,
            Credentials credentials,
            ApiKeyFile keyFile,
            MetricsRegistry metrics)
            throws InterruptedException {
        Map<String, Object> kafka = cfg.kafkaClientSettings();
        this.keyFile = keyFile;
        gallery = KafkaGalleryView.start(kafka, masterKeys);
        live = LiveFeed.defaults(gallery::hides);
        gallery.onErasure(live::erase);
        commands = KafkaGalleryCommands.start(kafka, "facestream-api", Duration.ofSeconds(30));
        feeds = KafkaFeeds.start(kafka, live, wiring.published());
        probe = new AdminClusterProbe(kafka, WorkerConfig.GROUP_ID);
        server = ApiServer.start(
                settings,
                new ApiServer.Collaborators(
                        gallery,
                        new EnrollmentService(
                                commands, masterKeys, settings.maxTemplatesPerSubject(), settings.applyTimeout()),
                        wiring.enrollment(),
                        live,
                        wiring.threshold(),
                        probe,
                        wiring.matcher(),
                        metrics,
                        credentials));
    }

    /**
     * Starts the API on {@code settings} against the cluster of {@code cfg}, reading and writing the gallery with
     * {@code masterKeys}, with the keys of {@code api.keys.file}.
     */
    public static ApiRuntime start(
            FaceStreamConfig cfg,
            MasterKeys masterKeys,
            ApiSettings settings,
            Wiring wiring,
            AuditLog audit,
            MetricsRegistry metrics) {
        ApiKeyFile keys = keyFile(cfg, audit);
        if (keys == null) {
            throw new IllegalArgumentException(
                    "expected " + FaceStreamConfig.API_KEYS_FILE + " (the API needs keys), found none; mint one with "
                            + "'facestream api-key create --role admin --id admin-1 --file api-keys.txt' and pass -D "
                            + FaceStreamConfig.API_KEYS_FILE
                            + "=api-keys.txt (or --keys api-keys.txt)");
        }
        return create(cfg, masterKeys, settings, wiring, keys, keys, metrics);
    }

    /**
     * As {@link #start}, for the demo: without a key file, an ephemeral admin key is minted, audited and printed
     * to {@code err}, so the demo is never open.
     */
    public static ApiRuntime startForDemo(
            FaceStreamConfig cfg,
            MasterKeys masterKeys,
            ApiSettings settings,
            Wiring wiring,
            AuditLog audit,
            PrintStream err,
            MetricsRegistry metrics) {
        ApiKeyFile keys = keyFile(cfg, audit);
        Credentials credentials = keys;
        if (keys == null) {
            String secret = ApiKeys.mint();
            credentials = ApiKeys.single(EPHEMERAL_KEY_ID, Role.ADMIN, secret);
            audit.append(AuditEntry.of(
                    AuditLogs.processActor(audit.writer()),
                    AuditRecord.API_KEYS_LOADED,
                    null,
                    Map.of("source", "ephemeral", "keys", EPHEMERAL_KEY_ID + ":" + Role.ADMIN.label())));
            err.println("facestream demo: no " + FaceStreamConfig.API_KEYS_FILE
                    + ", so this run has one ephemeral admin key (id " + EPHEMERAL_KEY_ID
                    + "); the dashboard asks for it:");
            err.println("  " + secret);
            err.flush();
        }
        return create(cfg, masterKeys, settings, wiring, credentials, keys, metrics);
    }

    private static ApiRuntime create(
            FaceStreamConfig cfg,
            MasterKeys masterKeys,
            ApiSettings settings,
            Wiring wiring,
            Credentials credentials,
            ApiKeyFile keys,
            MetricsRegistry metrics) {
        try {
            return new ApiRuntime(cfg, masterKeys, settings, wiring, credentials, keys, metrics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (keys != null) {
                keys.close();
            }
            throw new IllegalStateException("interrupted while starting the API", e);
        } catch (RuntimeException e) {
            if (keys != null) {
                keys.close();
            }
            throw e;
        }
    }

    private static ApiKeyFile keyFile(FaceStreamConfig cfg, AuditLog audit) {
        String file = cfg.string(FaceStreamConfig.API_KEYS_FILE);
        if (file.isBlank()) {
            return null;
        }
        return ApiKeyFile.load(Path.of(file), audit, AuditLogs.processActor(audit.writer()))
                .watchEvery(KEY_FILE_CHECK);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        if (keyFile != null) {
            keyFile.close();
        }
        feeds.close();
        live.close();
        commands.close();
        gallery.close();
        probe.close();
    }
}

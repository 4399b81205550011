package org.facestream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker and KRaft controller running inside this JVM, for the one-command run
 * and for integration tests. It listens on 127.0.0.1 only, keeps its data in a directory the caller names
 * and, like {@code kafka-storage format}, formats that directory on first use; a later start on the same
 * directory finds {@code meta.properties} and keeps the cluster id, topics and records.
 *
 * <p>Deliberately not Kafka's test kit: that binds every interface and invents its own directories.
 * Settings are the ones a one-node cluster needs (internal topics with replication factor 1 and min ISR
 * 1, no initial rebalance delay, a few transaction-state partitions so the first transaction is quick).
 *
 * <p>Thread safety: {@link #start} and {@link #close} may be called from any thread; {@code close} is
 * idempotent.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final boolean formatted;
    private final KafkaRaftServer server;
    private final BrokerSecurity security;
    private boolean closed;

    private EmbeddedKafkaBroker(
            Path dataDir,
            int port,
            int controllerPort,
            String clusterId,
            boolean formatted,
            KafkaRaftServer server,
            BrokerSecurity security) {
        this.security = security;
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.formatted = formatted;
        this.server = server;
    }

    /** Starts a broker on free loopback ports with its data in {@code dataDir}. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, 0, 0, Map.of());
    }

    /**
     * Starts a broker; a port of 0 picks a free one.
     *
     * @param dataDir log and metadata directory; created and formatted when empty, reused when formatted
     * @param port client listener port on 127.0.0.1 (PLAINTEXT), 0 for any free port
     * @param controllerPort KRaft controller listener port on 127.0.0.1, 0 for any free port
     * @param overrides broker settings that replace the defaults (e.g. {@code log.retention.ms})
     * @throws IllegalStateException when the directory belongs to another node or the broker cannot start
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
        return start(dataDir, port, controllerPort, overrides, BrokerSecurity.plaintext());
    }

    /**
     * Starts a broker whose client listener uses {@code security} (SASL/PLAIN users, TLS), still bound to
     * 127.0.0.1; otherwise as {@link #start(Path, int, int, Map)}.
     */
    public static EmbeddedKafkaBroker start(
            Path dataDir, int port, int controllerPort, Map<String, String> overrides, BrokerSecurity security) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(security, "security");
        requirePort("port", port);
        requirePort("controllerPort", controllerPort);
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dir, e);
        }
        // The static voter list names the controller's port, so it must be known before the server binds.
        int clientPort = port == 0 ? freePort() : port;
        int quorumPort = controllerPort == 0 ? freePort(clientPort) : controllerPort;
        if (clientPort == quorumPort) {
            throw new IllegalArgumentException(
                    "expected different client and controller ports, found both " + clientPort);
        }
        KafkaConfig config = new KafkaConfig(settings(dir, clientPort, quorumPort, overrides, security), false);

        Optional<String> existing = existingClusterId(dir);
        String clusterId = existing.orElseGet(() -> Uuid.randomUuid().toString());
        if (existing.isEmpty()) {
            format(config, dir, clusterId);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutDown(server);
            throw new IllegalStateException(
                    "Kafka broker on " + HOST + ":" + clientPort + " with data in " + dir + " failed to start: "
                            + e.getMessage(),
                    e);
        }
        log.info(
                "Kafka {} broker started on {}:{} ({}, controller {}), cluster {}, data {} ({}) in {} ms",
                AppInfoParser.getVersion(),
                HOST,
                clientPort,
                security.protocol(),
                quorumPort,
                clusterId,
                dir,
                existing.isEmpty() ? "formatted now" : "reused",
                (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedKafkaBroker(dir, clientPort, quorumPort, clusterId, existing.isEmpty(), server, security);
    }

    /** How clients authenticate and encrypt on the client listener. */
    public BrokerSecurity security() {
        return security;
    }

    /** The client bootstrap address, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The KRaft controller port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The cluster id kept in the data directory's {@code meta.properties}. */
    public String clusterId() {
        return clusterId;
    }

    /** The data directory (absolute). */
    public Path dataDir() {
        return dataDir;
    }

    /** True when this start formatted an empty directory, false when it reused formatted storage. */
    public boolean formattedNow() {
        return formatted;
    }

    /** Shuts the broker and controller down and waits for them; the data directory stays. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        shutDown(server);
        log.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    public static Map<String, String> settings(Path dir, int port, int controllerPort, Map<String, String> overrides) {
        return settings(dir, port, controllerPort, overrides, BrokerSecurity.plaintext());
    }

    public static Map<String, String> settings(
            Path dir, int port, int controllerPort, Map<String, String> overrides, BrokerSecurity security) {
        String listener = security.protocol();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", listener + "://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", listener + "://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        p.putAll(security.brokerSettings());
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics come from the catalogue (TopicCatalogue.ensureTopics) or from Kafka Streams' own admin
        // calls; an auto-created topic would silently get one partition and default retention.
        p.put("auto.create.topics.enable", "false");
        // Frames are JPEGs up to several MB; the catalogue raises max.message.bytes per topic, the broker
        // must be able to fetch them for its own purposes too.
        p.put("replica.fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("message.max.bytes", Integer.toString(8 * 1024 * 1024 + 1024));
        p.putAll(overrides);
        return p;
    }

    private static Optional<String> existingClusterId(Path dir) {
        try {
            MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                    .addLogDirs(List.of(dir.toString()))
                    .load();
            if (!ensemble.errorLogDirs().isEmpty()) {
                throw new IllegalStateException("expected a readable Kafka data directory, found I/O errors in " + dir);
            }
            return ensemble.clusterId();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read meta.properties in " + dir, e);
        }
    }

    private static void format(KafkaConfig config, Path dir, String clusterId) {
        var out = new ByteArrayOutputStream();
        try (var print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            // What kafka-storage format does for a config with static voters (StorageTool.runFormatCommand).
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setControllerListenerName(config.controllerListenerNames().get(0))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setHasDynamicQuorum(false)
                    .addDirectory(dir.toString())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
        }
        log.debug("formatted {}: {}", dir, out.toString(StandardCharsets.UTF_8).strip());
    }

    private static void requirePort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected " + what + " in 0..65535, found " + port);
        }
    }

    private static int freePort(int... avoid) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int p = socket.getLocalPort();
                if (avoid.length == 0 || p != avoid[0]) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("expected a free port on " + HOST + ", found none in 5 attempts");
    }
}

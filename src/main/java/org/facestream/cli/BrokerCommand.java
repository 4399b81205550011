package org.facestream.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.facestream.config.FaceStreamConfig;
import org.facestream.events.TopicCatalogue;
import org.facestream.kafka.BrokerSecurity;
import org.facestream.kafka.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facestream broker}: a real single-node KRaft broker on 127.0.0.1 with the catalogue's topics. */
@Command(
        name = "broker",
        description = "Run a single-node KRaft Kafka broker in-process on 127.0.0.1 and create the catalogue's topics.")
final class BrokerCommand implements Callable<Integer> {
    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Log and metadata directory (formatted on first use, reused after).")
    Path data;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Client port on 127.0.0.1 (default: the port of bootstrap.servers, so the other commands"
                    + " find it: 9092, or FACESTREAM_BOOTSTRAP_SERVERS's).")
    Integer port;

    @Option(
            names = "--controller-port",
            defaultValue = "0",
            description = "KRaft controller port on 127.0.0.1 (0 = any free port).")
    int controllerPort;

    @Option(
            names = "--sasl-user",
            paramLabel = "NAME=PASSWORD",
            description =
                    "Accept only SASL/PLAIN clients (SASL_PLAINTEXT listener) "
                            + "with these users (repeatable). For trying the kafka.* security keys locally: a password here is visible to other local users.")
    Map<String, String> saslUsers = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        BrokerSecurity security =
                saslUsers.isEmpty() ? BrokerSecurity.plaintext() : BrokerSecurity.saslPlaintext(saslUsers);
        int clientPort = port != null ? port : portOf(FaceStreamConfig.load(null, System.getenv(), Map.of()));
        try (ShutdownSignal signal = new ShutdownSignal();
                EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.start(data, clientPort, controllerPort, Map.of(), security)) {
            Map<String, Object> admin = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers()));
            if (!saslUsers.isEmpty()) {
                var first = saslUsers.entrySet().iterator().next();
                admin.putAll(security.clientSettings(first.getKey(), first.getValue()));
            }
            try (Admin a = Admin.create(admin)) {
                TopicCatalogue.load().ensureTopics(a);
            }
            System.err.println("facestream broker: listening on " + broker.bootstrapServers() + " ("
                    + security.protocol() + "), data in " + broker.dataDir() + "; Ctrl-C stops it");
            signal.await();
        }
        return 0;
    }

    /** The port of the first bootstrap server ({@code host:port}), where the client commands will look. */
    private static int portOf(FaceStreamConfig cfg) {
        String first = cfg.string(FaceStreamConfig.BOOTSTRAP).split(",")[0].strip();
        try {
            return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "expected bootstrap.servers as host:port[,host:port], found '" + first + "' (or give --port)", e);
        }
    }
}

package org.facestream.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
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
            defaultValue = "9092",
            description = "Client port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

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
        try (ShutdownSignal signal = new ShutdownSignal();
                EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.start(data, port, controllerPort, Map.of(), security)) {
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
}

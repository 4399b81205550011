package org.facestream.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facestream broker}: a real single-node KRaft broker on 127.0.0.1 with the catalogue's topics. */
@Command(name = "broker", description = "Run a single-node KRaft Kafka broker in-process on 127.0.0.1 and create the catalogue's topics.")
final class BrokerCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Log and metadata directory (formatted on first use, reused after).")
  Path data;

  @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--controller-port", defaultValue = "0", description = "KRaft controller port on 127.0.0.1 (0 = any free port).")
  int controllerPort;

  @Override
  public Integer call() throws Exception {
    try (ShutdownSignal signal = new ShutdownSignal();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port, controllerPort, Map.of())) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        TopicCatalogue.load().ensureTopics(admin);
      }
      System.err.println("facestream broker: listening on " + broker.bootstrapServers() + ", data in " + broker.dataDir() + "; Ctrl-C stops it");
      signal.await();
    }
    return 0;
  }
}

package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.facestream.events.TopicCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What can be checked of the deployment files without a Docker engine: they parse, the compose services run
 * real CLI commands with options the CLI accepts, Prometheus scrapes the services and ports compose defines,
 * every metric the alerts and the Grafana dashboard use is one the code exports, and the topic script creates
 * exactly the catalogue's topics.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VAR = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");

    @Test
    void composeServicesRunCommandsTheCliAccepts() throws Exception {
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        List<String> checked = new ArrayList<>();
        compose.get("services").properties().forEach(e -> {
            JsonNode svc = e.getValue();
            if (!svc.has("build")) {
                return;
            }
            List<String> args = new ArrayList<>();
            svc.get("command").forEach(a -> args.add(withDefaults(a.asText())));
            CommandLine cli = new CommandLine(FaceStreamCli.class);
            var parsed = cli.parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand())
                    .as("service %s runs a facestream subcommand", e.getKey())
                    .isTrue();
            String bootstrap = parsed.subcommand().matchedOptionValue("--bootstrap", "");
            assertThat(bootstrap)
                    .as("service %s talks to the compose broker", e.getKey())
                    .isEqualTo("kafka:9092");
            checked.add(e.getKey());
        });
        assertThat(checked).contains("ingest", "worker", "matcher", "gallery");
        assertThat(compose.at("/services/kafka/image").asText()).startsWith("apache/kafka:4.");
        assertThat(compose.at("/services/worker/deploy/resources/reservations/devices/0/capabilities/0")
                        .asText())
                .isEqualTo("gpu");
    }

    @Test
    void prometheusScrapesTheMetricsPortOfEveryRoleService() throws Exception {
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        JsonNode prom = YAML.readTree(Path.of("ops/prometheus/prometheus.yml").toFile());
        Set<String> targets = new HashSet<>();
        prom.get("scrape_configs")
                .forEach(c ->
                        c.get("static_configs").forEach(s -> s.get("targets").forEach(t -> targets.add(t.asText()))));
        for (String service : List.of("ingest", "worker", "matcher", "gallery")) {
            String command = compose.at("/services/" + service + "/command").toString();
            assertThat(command).contains("metrics.port=9100").contains("metrics.host=0.0.0.0");
            assertThat(targets).contains(service + ":9100");
        }
    }

    @Test
    void alertsAndDashboardUseOnlyMetricsTheCodeExports() throws Exception {
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            StringBuilder sb = new StringBuilder();
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sb.append(Files.readString(p));
            }
            sources = sb.toString();
        }
        String used = Files.readString(Path.of("ops/alerts/facestream-rules.yml"))
                + Files.readString(Path.of("ops/grafana/facestream-dashboard.json"));
        YAML.readTree(Path.of("ops/alerts/facestream-rules.yml").toFile());
        new ObjectMapper()
                .readTree(Path.of("ops/grafana/facestream-dashboard.json").toFile());
        Matcher m = Pattern.compile("facestream_([a-z_]+)").matcher(used);
        Set<String> names = new HashSet<>();
        while (m.find()) {
            names.add(m.group(1).replaceAll("_(bucket|sum|count)$", ""));
        }
        assertThat(names).isNotEmpty();
        for (String name : names) {
            assertThat(sources)
                    .as("metric facestream_%s is exported by the code", name)
                    .contains("\"" + name + "\"");
        }
    }

    @Test
    void createTopicsScriptCreatesExactlyTheCatalogue(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("kafka-topics.sh");
        Files.writeString(fake, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls.txt") + "\n");
        fake.toFile().setExecutable(true);
        ProcessBuilder pb =
                new ProcessBuilder("bash", "ops/create-topics.sh", "127.0.0.1:9092", "topologies/topics.json", "1");
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        Process run = pb.redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor()).as(output).isZero();
        List<String> calls = Files.readAllLines(dir.resolve("calls.txt"));
        var catalogue = TopicCatalogue.load(Path.of("topologies/topics.json"));
        assertThat(calls).hasSize(catalogue.topics().size());
        for (var spec : catalogue.topics()) {
            assertThat(calls)
                    .anySatisfy(c -> assertThat(c)
                            .contains("--topic " + spec.name() + " ")
                            .contains("--partitions " + spec.partitions() + " ")
                            .contains("cleanup.policy=" + spec.cleanupPolicy())
                            .contains("retention.ms=" + spec.retentionMs())
                            .contains("max.message.bytes=" + spec.maxMessageBytes())
                            .satisfies(line -> spec.configs()
                                    .forEach((k, v) -> assertThat(line + " ")
                                            .as("%s of %s", k, spec.name())
                                            .contains("--config " + k + "=" + v + " "))));
        }
    }

    private static String withDefaults(String s) {
        return VAR.matcher(s).replaceAll("$1");
    }
}

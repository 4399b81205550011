package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import org.yaml.snakeyaml.Yaml;
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

    /** docker-compose.yml as Compose reads it: anchors and merge keys ({@code <<: *role}) resolved. */
    private static JsonNode compose() throws Exception {
        Object tree = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        return new ObjectMapper().valueToTree(tree);
    }

    @Test
    void composeServicesRunCommandsTheCliAccepts() throws Exception {
        JsonNode compose = compose();
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
            checked.add(e.getKey() + "=" + parsed.subcommand().commandSpec().name());
        });
        assertThat(checked)
                .containsExactlyInAnyOrder(
                        "ingest=ingest",
                        "worker-cpu=worker",
                        "worker-gpu=worker",
                        "matcher=matcher",
                        "api=api",
                        "gallery=gallery");
        assertThat(compose.at("/services/kafka/image").asText()).startsWith("apache/kafka:4.");
    }

    @Test
    void composeHasAnApiAndOneWorkerPerProfileOnlyTheGpuOneReservingAGpu() throws Exception {
        JsonNode services = compose().get("services");
        // the API: dashboard, REST enrollment and erasure, with the master key and an API key file
        JsonNode api = services.get("api");
        assertThat(api.get("command").toString())
                .contains("\"--keys\",\"/run/secrets/facestream-api-keys\"")
                .contains("security.master.key.file=/run/secrets/facestream-master-key");
        assertThat(api.get("secrets").toString()).contains("facestream-master-key", "facestream-api-keys");
        // the worker: cpu (the default, .env) or gpu; each the other's replacement under the one name Prometheus
        // scrapes
        List<String> gpuReserving = new ArrayList<>();
        services.properties().forEach(e -> {
            if (e.getValue().has("deploy")) {
                gpuReserving.add(e.getKey());
            }
        });
        assertThat(gpuReserving).containsExactly("worker-gpu");
        assertThat(services.at("/worker-gpu/deploy/resources/reservations/devices/0/capabilities/0")
                        .asText())
                .isEqualTo("gpu");
        assertThat(services.at("/worker-gpu/profiles").toString()).isEqualTo("[\"gpu\"]");
        assertThat(services.at("/worker-gpu/build/args/MAVEN_PROFILE").asText()).isEqualTo("cuda");
        assertThat(services.at("/worker-cpu/profiles").toString()).isEqualTo("[\"cpu\"]");
        for (String worker : List.of("worker-cpu", "worker-gpu")) {
            assertThat(services.at("/" + worker + "/networks/default/aliases").toString())
                    .isEqualTo("[\"worker\"]");
        }
        List<String> withoutProfile = new ArrayList<>();
        services.properties().forEach(e -> {
            if (!e.getValue().has("profiles")) {
                withoutProfile.add(e.getKey());
            }
        });
        assertThat(withoutProfile)
                .doesNotContain("worker-cpu", "worker-gpu")
                .contains("api", "matcher", "ingest", "gallery");
        assertThat(Files.readAllLines(Path.of(".env"))).contains("COMPOSE_PROFILES=cpu");
    }

    @Test
    void composePublishesOnLoopbackOnlyRestartsItsServicesAndMountsWhatExists() throws Exception {
        JsonNode compose = compose();
        String setup = Files.readString(Path.of("ops/compose-setup.sh"));
        compose.get("services").properties().forEach(e -> {
            String name = e.getKey();
            JsonNode svc = e.getValue();
            if (svc.has("ports")) {
                svc.get("ports")
                        .forEach(port -> assertThat(port.asText())
                                .as("port of %s: published on the host's loopback only", name)
                                .startsWith("127.0.0.1:"));
            }
            assertThat(svc.path("restart").asText())
                    .as("restart policy of %s", name)
                    .isEqualTo(name.equals("create-topics") ? "no" : "unless-stopped");
            if (svc.has("volumes")) {
                svc.get("volumes").forEach(v -> {
                    String host = withDefaults(v.asText()).split(":")[0];
                    if (host.startsWith("./")) {
                        assertThat(Files.exists(Path.of(host))
                                        || setup.contains("mkdir -p videos models")
                                                && (host.equals("./videos") || host.equals("./models")))
                                .as("bind mount %s of %s exists or ops/compose-setup.sh makes it", host, name)
                                .isTrue();
                    }
                });
            }
        });
        compose.get("secrets")
                .properties()
                .forEach(e -> assertThat(setup)
                        .as("ops/compose-setup.sh makes the secret %s", e.getKey())
                        .contains(
                                withDefaults(e.getValue().get("file").asText()).replace("./", "")));
        // Kafka: the PLAINTEXT listener for containers is not published; the host one is on loopback
        assertThat(compose.at("/services/kafka/environment/KAFKA_ADVERTISED_LISTENERS")
                        .asText())
                .isEqualTo("INTERNAL://kafka:9092,HOST://127.0.0.1:9094");
        assertThat(compose.at("/services/kafka/ports").toString()).isEqualTo("[\"127.0.0.1:9094:9094\"]");
        // Grafana: no anonymous viewers, an admin password from the secrets
        JsonNode grafana = compose.at("/services/grafana/environment");
        assertThat(grafana.get("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
        assertThat(grafana.get("GF_SECURITY_ADMIN_PASSWORD__FILE").asText())
                .isEqualTo("/run/secrets/grafana-admin-password");
        assertThat(grafana.has("GF_AUTH_ANONYMOUS_ORG_ROLE")).isFalse();
    }

    @Test
    void dockerComposeV1ParsesTheFileWithEitherProfile() throws Exception {
        Path v1 = MetricsExpositionTest.onPath("docker-compose");
        assumeThat(v1)
                .as("docker-compose (v1, Debian package docker-compose; .ci/run installs it) is not installed:"
                        + " the file was not checked with it")
                .isNotNull();
        for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "gpu"))) {
            List<String> cmd = new ArrayList<>(List.of(v1.toString()));
            cmd.addAll(profile);
            cmd.addAll(List.of("config", "--quiet"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
        }
    }

    @Test
    void prometheusScrapesTheMetricsPortOfEveryRoleService() throws Exception {
        JsonNode services = compose().get("services");
        JsonNode prom = YAML.readTree(Path.of("ops/prometheus/prometheus.yml").toFile());
        Set<String> targets = new HashSet<>();
        prom.get("scrape_configs")
                .forEach(c ->
                        c.get("static_configs").forEach(s -> s.get("targets").forEach(t -> targets.add(t.asText()))));
        for (String service : List.of("ingest", "worker-cpu", "worker-gpu", "matcher", "gallery")) {
            String command = services.at("/" + service + "/command").toString();
            assertThat(command).contains("metrics.port=9100").contains("metrics.host=0.0.0.0");
        }
        // the workers answer to the alias worker, whichever profile runs
        assertThat(targets)
                .containsExactlyInAnyOrder("ingest:9100", "worker:9100", "matcher:9100", "gallery:9100", "api:8080");
        assertThat(services.at("/api/command").toString()).contains("\"--port\",\"8080\"");
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
        Matcher m = Pattern.compile("facestream_([a-z0-9_]+)").matcher(used);
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
    void alertsAndPanelsTakeRatesOfCountersAndDeltasOfGaugesOnly() throws Exception {
        String used = Files.readString(Path.of("ops/alerts/facestream-rules.yml"))
                + Files.readString(Path.of("ops/grafana/facestream-dashboard.json"));
        Matcher rates = Pattern.compile("\\b(rate|irate|increase)\\(\\s*(facestream_[a-z0-9_]+)")
                .matcher(used);
        int counted = 0;
        while (rates.find()) {
            assertThat(rates.group(2))
                    .as("%s() takes a counter (a name ending in _total) or a histogram's series", rates.group(1))
                    .matches(".*(_total|_bucket|_count|_sum)");
            counted++;
        }
        assertThat(counted).isGreaterThan(5);
        Matcher deltas = Pattern.compile("\\b(delta|idelta|deriv)\\(\\s*(facestream_[a-z0-9_]+)")
                .matcher(used);
        while (deltas.find()) {
            assertThat(deltas.group(2))
                    .as("%s() takes a gauge, never a counter", deltas.group(1))
                    .doesNotEndWith("_total");
        }
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = MetricsExpositionTest.onPath("promtool");
        assumeThat(promtool)
                .as("promtool is not installed (Debian package prometheus; .ci/run installs it): rules not checked")
                .isNotNull();
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", "ops/alerts/facestream-rules.yml")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
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

package org.facestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaceStreamConfigTest {
    @Test
    void invalidConfigurationListsEveryBadKey() {
        assertThatThrownBy(() -> FaceStreamConfig.load(
                        null,
                        Map.of(),
                        Map.of(
                                "ingest.fps",
                                "-3",
                                "vision.execution.provider",
                                "tpu",
                                "no.such.key",
                                "1",
                                "worker.instances",
                                "many")))
                .isInstanceOf(FaceStreamConfig.InvalidConfigurationException.class)
                .hasMessageContaining("ingest.fps: Invalid value -3")
                .hasMessageContaining("vision.execution.provider: Invalid value tpu")
                .hasMessageContaining("no.such.key: unknown key")
                .hasMessageContaining("worker.instances: Invalid value many");
    }

    @Test
    void flagsOverrideEnvironmentWhichOverridesDefaults() {
        FaceStreamConfig cfg = FaceStreamConfig.load(
                null,
                Map.of("FACESTREAM_INGEST_FPS", "7", "FACESTREAM_MODELS", "/m", "FACESTREAM_MATCHER_TOP_K", "3"),
                Map.of("matcher.top.k", "9"));
        assertThat(cfg.decimal(FaceStreamConfig.INGEST_FPS)).isEqualTo(7.0);
        assertThat(cfg.string(FaceStreamConfig.MODELS_DIR)).isEqualTo("/m");
        assertThat(cfg.integer(FaceStreamConfig.MATCH_TOP_K)).isEqualTo(9);
        assertThat(cfg.integer(FaceStreamConfig.WORKER_THREADS)).isEqualTo(1);
    }

    @Test
    void kafkaPrefixedKeysReachEveryClient() {
        FaceStreamConfig cfg = FaceStreamConfig.load(
                null, Map.of(), Map.of("kafka.security.protocol", "SASL_SSL", "bootstrap.servers", "10.0.0.1:9093"));
        assertThat(cfg.kafkaClientSettings())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "10.0.0.1:9093");
    }

    @Test
    void readmeConfigurationTableIsGeneratedFromTheDefinition() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme)
                .as("README.md configuration table drifted: paste the output of `facestream config docs`")
                .contains(FaceStreamConfig.markdownTable());
    }
}

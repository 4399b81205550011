package org.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @Test
    void verifiesTheDefaultPackInTheSharedModels() {
        VerifiedPack verified = ModelFiles.verify(ModelPacks.DEFAULT, SharedData.models());
        assertThat(verified.detectorPath().getFileName()).hasToString("yunet-2026may.onnx");
        assertThat(verified.embedderPath().getFileName()).hasToString("arcface-w600k-mbf-int8.onnx");
        assertThat(ModelFiles.sha256(verified.embedderPath()))
                .isEqualTo("7caa7fb0ad6c37b33e6c59f6411084b487aaabd596bba645d2cce391a5871120");
    }

    @Test
    void aJunkFileUnderTheModelsNameFailsWithExpectedAndFoundChecksums(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("arcface-w600k-mbf-int8.onnx"), "not a model", StandardCharsets.UTF_8);
        String actual = ModelFiles.sha256(dir.resolve("arcface-w600k-mbf-int8.onnx"));
        assertThat(actual).hasSize(64).doesNotStartWith("7caa");

        assertThatThrownBy(() -> ModelFiles.verify(ModelPacks.YUNET_W600K_INT8.embedder(), dir))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("model file arcface-w600k-mbf-int8.onnx in "
                        + dir.toAbsolutePath().normalize()
                        + ": expected sha256 7caa7fb0ad6c37b33e6c59f6411084b487aaabd596bba645d2cce391a5871120, found "
                        + actual);
    }

    @Test
    void aMissingFileSaysWhichAndWhere(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelFiles.verify(ModelPacks.SCRFD_W600K_INT8, dir))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("model file scrfd-500m-kps.onnx in "
                        + dir.toAbsolutePath().normalize())
                .hasMessageContaining("expected a file with sha256 6c6ba795")
                .hasMessageContaining("found nothing");
    }

    @Test
    void anUnpinnedUpstreamPackCannotBeOpened(@TempDir Path dir) {
        assertThat(ModelPacks.OPENCV_ZOO_YUNET_SFACE.isPinned()).isFalse();
        assertThatThrownBy(() -> ModelFiles.verify(ModelPacks.OPENCV_ZOO_YUNET_SFACE, dir))
                .hasMessageContaining("face_detection_yunet_2023mar.onnx: expected a pinned sha256, found none");
    }

    @Test
    void packsAreFoundByIdAndUnknownIdsListTheKnownOnes() {
        assertThat(ModelPacks.byId("yunet-mbf-casia").embeddingDimension()).isEqualTo(128);
        assertThat(ModelPacks.byId("yunet-mbf-casia").templateOffsetX()).isEqualTo(-8f);
        assertThat(ModelPacks.all()).first().isEqualTo(ModelPacks.DEFAULT);
        assertThat(ModelPacks.all()).filteredOn(ModelPack::isPinned).hasSize(4);
        assertThat(ModelPacks.INSIGHTFACE_BUFFALO_L.nonCommercial()).isTrue();
        assertThatThrownBy(() -> ModelPacks.byId("buffalo"))
                .hasMessage("expected a model pack id, one of yunet-w600k-int8, scrfd-w600k-int8, yunet-mbf-casia, "
                        + "yunet-faceplugin-512, opencv-zoo-yunet-sface, insightface-buffalo-s, insightface-buffalo-l; "
                        + "found buffalo");
    }
}

package org.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.nio.file.Path;
import java.util.Map;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
    private static Path embedder() {
        return ModelFiles.verify(ModelPacks.DEFAULT.embedder(), SharedData.models());
    }

    @Test
    void runsTheEmbedderOnPlainArraysAndReportsItsInterface() {
        try (OnnxModel model = OnnxModel.open(embedder(), "w600k", OnnxOptions.cpu())) {
            assertThat(model.inputNames()).containsExactly("input.1");
            assertThat(model.inputShape("input.1")).containsExactly(-1, 3, 112, 112);
            Map<String, FloatTensor> out =
                    model.run(new FloatTensor(new float[2 * 3 * 112 * 112], 2, 3, 112, 112), "zeros");
            FloatTensor embedding = out.values().iterator().next();
            assertThat(embedding.shape()).containsExactly(2, 512);
        }
    }

    @Test
    void aWrongInputShapeFailsOnceWithModelAndContext() {
        try (OnnxModel model = OnnxModel.open(embedder(), "w600k", OnnxOptions.cpu())) {
            assertThatThrownBy(() ->
                            model.run(new FloatTensor(new float[3 * 64 * 64], 1, 3, 64, 64), "crop of frame cam-1/7"))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageStartingWith(
                            "model w600k failed on crop of frame cam-1/7 (inputs input.1[1, 3, 64, 64])");
        }
    }

    @Test
    void cudaOnACpuBuildSaysHowToGetIt() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has CUDA");
        assertThatThrownBy(() -> OnnxModel.open(embedder(), "w600k", new OnnxOptions(1, ExecutionProvider.CUDA)))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("CUDA requested but ONNX Runtime has no CUDA provider (build with -Pcuda");
    }

    @Test
    void tensorsRefuseAShapeThatDoesNotFitTheirData() {
        assertThatThrownBy(() -> new FloatTensor(new float[10], 2, 3))
                .hasMessage("expected 6 values for shape [2, 3], found 10");
    }
}

package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.facestream.config.VisionOptions;
import org.facestream.model.ModelPacks;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;

/** The comparison ops/gpu-check.sh makes between CUDA and CPU, here between two CPU sessions (no GPU in CI). */
class ProviderParityTest {
    @Test
    void twoSessionsOfOneProviderEmbedEveryPhotoAlike() throws Exception {
        VisionOptions cpu = VisionOptions.defaults(ModelPacks.DEFAULT);
        StringWriter lines = new StringWriter();
        ProviderParity.Result r = ProviderParity.run(
                new ProviderParity.Options(
                        SharedData.faces().resolve("people/obama"), ModelPacks.DEFAULT, SharedData.models(), cpu, cpu),
                new PrintWriter(lines, true));
        assertThat(r.photos()).isGreaterThanOrEqualTo(1);
        assertThat(r.images()).isEqualTo(r.photos());
        assertThat(r.sameFaceCount()).isEqualTo(r.photos());
        assertThat(r.minCosine()).isGreaterThan(0.99999);
        assertThat(lines.toString()).contains("cosine=1.000000");
        assertThat(r.line()).startsWith("images=" + r.images() + " min_cosine=1.0000");
    }
}

package org.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.facestream.testing.LogCapture;
import org.junit.jupiter.api.Test;

class LicenceNoticeTest {
    @Test
    void theDefaultPackIsSaidToBeNonCommercialOncePerProcessWithTheCleanPackNamed() {
        assertThat(LicenceNotice.text(ModelPacks.DEFAULT))
                .hasValueSatisfying(t -> assertThat(t)
                        .startsWith("model pack yunet-w600k-int8 is for non-commercial research only (")
                        .contains("InsightFace pretrained models: non-commercial research only")
                        .contains("licence-clean pack opencv-zoo-yunet-sface (MIT (YuNet) and Apache-2.0 (SFace)")
                        .contains("facestream models pull opencv-zoo-yunet-sface"));
        assertThat(LicenceNotice.text(ModelPacks.OPENCV_ZOO_YUNET_SFACE)).isEmpty();
        assertThat(LicenceNotice.text(ModelPacks.YUNET_FACEPLUGIN_512)).isEmpty();
        try (LogCapture log = LogCapture.of(LicenceNotice.class)) {
            LicenceNotice.onLoad(ModelPacks.SCRFD_W600K_INT8);
            LicenceNotice.onLoad(ModelPacks.SCRFD_W600K_INT8); // a second worker instance of the same process
            LicenceNotice.onLoad(ModelPacks.YUNET_FACEPLUGIN_512);
            assertThat(log.lines())
                    .singleElement()
                    .asString()
                    .startsWith("WARN model pack scrfd-w600k-int8 is for non-commercial research only");
        }
    }
}

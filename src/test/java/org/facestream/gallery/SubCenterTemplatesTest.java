package org.facestream.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.facestream.events.FaceQuality;
import org.facestream.events.Template;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

class SubCenterTemplatesTest {
    private static final FaceQuality Q = new FaceQuality(0.9f, 50, 100, 0, 0, 20);
    private final Random random = new Random(3);

    private Template t(float[] e, String source) {
        return new Template(e, source, Q);
    }

    @Test
    void keepsDominantClusterAndIsolatesAMislabelledPhoto() {
        float[] alice = Embeddings.unit(random, Embeddings.DIMENSION);
        List<Template> photos = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            photos.add(t(Embeddings.atCosine(alice, 0.75, random), "alice-" + i + ".jpg"));
        }
        photos.add(t(Embeddings.unit(random, Embeddings.DIMENSION), "actually-bob.jpg"));

        SubCenterTemplates.Selection s = SubCenterTemplates.select(photos, 3, 0.4);

        assertThat(s.outliers()).extracting(Template::source).containsExactly("actually-bob.jpg");
        assertThat(s.inliers()).hasSize(5);
        assertThat(s.subCenters()).hasSize(3).extracting(Template::source).allMatch(src -> src.startsWith("alice-"));
    }

    @Test
    void subCentresAreTheMostDifferentInliers() {
        float[] front = Embeddings.unit(random, Embeddings.DIMENSION);
        float[] profile = Embeddings.atCosine(front, 0.55, random);
        List<Template> photos = List.of(
                t(Embeddings.atCosine(front, 0.95, random), "front-1"),
                        t(Embeddings.atCosine(front, 0.95, random), "front-2"),
                t(Embeddings.atCosine(front, 0.95, random), "front-3"),
                        t(Embeddings.atCosine(profile, 0.95, random), "profile-1"));

        SubCenterTemplates.Selection s = SubCenterTemplates.select(photos, 2, 0.4);

        assertThat(s.outliers()).isEmpty();
        assertThat(s.subCenters()).extracting(Template::source).hasSize(2).contains("profile-1");
        assertThat(s.subCenters().get(0).source()).startsWith("front-"); // the medoid first
    }

    @Test
    void singleTemplateIsKeptAndBadArgumentsAreRefused() {
        Template only = t(Embeddings.unit(random, 8), "only");
        assertThat(SubCenterTemplates.select(List.of(only), 3, 0.4).subCenters())
                .containsExactly(only);
        assertThatThrownBy(() -> SubCenterTemplates.select(List.of(), 3, 0.4))
                .hasMessageContaining("expected at least one template");
        assertThatThrownBy(() -> SubCenterTemplates.select(List.of(only), 0, 0.4))
                .hasMessageContaining("expected k >= 1, found 0");
    }
}

package org.facestream.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * One enrolled template (a sub-centre of a subject): an L2-normalised embedding and where it came from.
 *
 * @param embedding the L2-normalised embedding
 * @param source where the template came from (an image file name or an upload id), for audit
 * @param quality quality of the face the template was computed from
 */
public record Template(float[] embedding, String source, FaceQuality quality) {
    public Template {
        embedding = Validation.requireEmbedding("template embedding", embedding);
        double norm = 0;
        for (float v : embedding) {
            norm += v * v;
        }
        if (Math.abs(Math.sqrt(norm) - 1) > 1e-3) {
            throw new IllegalArgumentException("expected an L2-normalised template, found norm " + Math.sqrt(norm));
        }
        Objects.requireNonNull(source, "source");
    }

    @Override
    public float[] embedding() {
        return embedding.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Template t
                && Arrays.equals(embedding, t.embedding)
                && source.equals(t.source)
                && Objects.equals(quality, t.quality);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(embedding) * 31 + source.hashCode();
    }

    @Override
    public String toString() {
        return "Template[dim=" + embedding.length + ", source=" + source + "]";
    }
}

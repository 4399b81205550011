package org.facestream.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.facestream.events.BoundingBox;

/**
 * One image of a dlib imglab annotation file and its labelled face boxes.
 *
 * @param file the image, resolved against the annotation file's folder
 * @param faces boxes that count: a detector should find each
 * @param ignored boxes marked {@code ignore='1'}: neither required nor counted as false detections
 */
public record AnnotatedImage(Path file, List<BoundingBox> faces, List<BoundingBox> ignored) {
    public AnnotatedImage {
        Objects.requireNonNull(file, "file");
        faces = List.copyOf(faces);
        ignored = List.copyOf(ignored);
    }
}

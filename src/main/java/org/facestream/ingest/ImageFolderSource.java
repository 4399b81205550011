package org.facestream.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.facestream.events.ImageFormats;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image files of one folder (not its subfolders), in file-name order, read with OpenCV. Files that
 * OpenCV cannot read are skipped with a warning and counted; files without an image extension are not
 * considered at all. Stills have no timeline: frames carry media time {@code -1}.
 *
 * <p>Not thread-safe (see {@link FrameSource}).
 */
public final class ImageFolderSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(ImageFolderSource.class);
    /** Extensions OpenCV's imread decodes in the openpnp build. */
    public static final Set<String> EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "pgm", "ppm", "pnm", "jp2");

    private final Path folder;
    private final Deque<Path> pending;
    private final int total;
    private long decodeErrors;

    private ImageFolderSource(Path folder, List<Path> files) {
        this.folder = folder;
        this.pending = new ArrayDeque<>(files);
        this.total = files.size();
    }

    /**
     * Lists the folder's image files.
     *
     * @throws SourceException when the folder is missing or holds no image files
     */
    public static ImageFolderSource open(Path folder) {
        Objects.requireNonNull(folder, "folder");
        if (!Files.isDirectory(folder)) {
            throw new SourceException("expected a folder of images, found nothing at " + folder.toAbsolutePath());
        }
        OpenCvLibrary.load();
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(Files::isRegularFile)
                    .filter(ImageFolderSource::isImageName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        if (files.isEmpty()) {
            throw new SourceException("expected image files ("
                    + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ") in " + folder.toAbsolutePath()
                    + ", found none");
        }
        return new ImageFolderSource(folder, files);
    }

    static boolean isImageName(Path p) {
        return ImageFormats.hasExtension(p, EXTENSIONS);
    }

    @Override
    public GrabbedFrame next() {
        while (!pending.isEmpty()) {
            Path file = pending.poll();
            Mat image = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
            if (image.empty()) {
                image.release();
                decodeErrors++;
                log.warn("skipping {}: OpenCV cannot decode it ({} unreadable so far)", file, decodeErrors);
                continue;
            }
            if (image.type() != CvType.CV_8UC3) { // e.g. 16-bit PNG or TIFF
                Mat eight = new Mat();
                image.convertTo(eight, CvType.CV_8U, image.depth() == CvType.CV_16U ? 1.0 / 256 : 1.0);
                image.release();
                if (eight.channels() == 1) {
                    Mat bgr = new Mat();
                    Imgproc.cvtColor(eight, bgr, Imgproc.COLOR_GRAY2BGR);
                    eight.release();
                    eight = bgr;
                }
                image = eight;
            }
            return new GrabbedFrame(image, -1);
        }
        return null;
    }

    @Override
    public Timeline timeline() {
        return Timeline.STILLS;
    }

    @Override
    public long decodeErrors() {
        return decodeErrors;
    }

    /** Image files listed when the source was opened (readable or not). */
    public int fileCount() {
        return total;
    }

    @Override
    public String description() {
        return "folder " + folder + " (" + total + " images)";
    }

    @Override
    public void close() {
        pending.clear();
    }
}

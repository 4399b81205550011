package org.facestream.ingest;

/**
 * Loads OpenCV's native library (bundled by org.openpnp) once per JVM, before the first Mat. The same process-wide
 * load as {@code model.OpenCvNatives} (one holder-class initialiser inside {@code nu.pattern.OpenCV}), so the two
 * guards never load or extract it twice; ingest keeps its own because it may not depend on {@code model}.
 */
final class OpenCvLibrary {
    private static volatile boolean loaded;

    private OpenCvLibrary() {}

    static void load() {
        if (!loaded) {
            synchronized (OpenCvLibrary.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }
}

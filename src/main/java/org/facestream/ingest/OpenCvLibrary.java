package org.facestream.ingest;

/** Loads OpenCV's native library (bundled by org.openpnp) once per JVM, before the first Mat. */
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

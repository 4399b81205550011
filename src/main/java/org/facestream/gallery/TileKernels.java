package org.facestream.gallery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the kernel once per JVM. */
final class TileKernels {
    private static final Logger LOG = LoggerFactory.getLogger(TileKernels.class);
    static final TileKernel BEST = choose();

    private TileKernels() {}

    private static TileKernel choose() {
        if (Boolean.getBoolean("facestream.scalarKernel")) {
            return new ScalarTileKernel();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.warn(
                    "module jdk.incubator.vector is not present (start the JVM with --add-modules jdk.incubator.vector);"
                            + " gallery search falls back to scalar loops, several times slower");
            return new ScalarTileKernel();
        }
        try {
            // By name, so this class never links against the incubator module when it is absent.
            Object k = Class.forName("org.facestream.gallery.VectorTileKernel")
                    .getDeclaredConstructor()
                    .newInstance();
            return (TileKernel) k;
        } catch (ReflectiveOperationException | LinkageError | IllegalStateException e) {
            LOG.warn("Vector API kernel unavailable ({}); gallery search falls back to scalar loops", e.toString());
            return new ScalarTileKernel();
        }
    }
}

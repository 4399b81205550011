package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;

class VideoFileSourceTest {
  @Test
  void probe() throws Exception {
    for (String name : new String[] {"hamilton-clip-640x360.mp4", "WDA_KatieHill_000.mp4", "WDA_AlexandriaOcasioCortez_000.mp4"}) {
      long t0 = System.nanoTime();
      try (var source = VideoFileSource.open(SharedData.video(name), false)) {
        int n = 0;
        long first = -1, last = -1;
        double sum = 0;
        for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
          try (GrabbedFrame f = g) {
            if (n == 0) first = f.mediaTimeMillis();
            last = f.mediaTimeMillis();
            if (n == 100) sum = org.opencv.core.Core.mean(f.image()).val[0];
            n++;
          }
        }
        System.err.printf("%s: %s frames=%d first=%d last=%d errors=%d mean100=%.1f in %d ms%n", name, source.description(), n, first, last,
            source.decodeErrors(), sum, (System.nanoTime() - t0) / 1_000_000);
      }
    }
    assertThat(true).isTrue();
  }
}

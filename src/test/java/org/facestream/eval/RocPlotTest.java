package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocPlotTest {
    @TempDir
    Path dir;

    @Test
    void writesADecodablePngWithCurvesInBothPanels() throws Exception {
        double[] s = new double[400];
        boolean[] same = new boolean[400];
        for (int i = 0; i < 400; i++) {
            same[i] = i < 200;
            s[i] = same[i] ? 0.3 + (i % 100) / 100.0 : -0.2 + (i % 100) / 180.0;
        }
        Path png = dir.resolve("sub/roc-det.png");
        RocPlot.write(VerificationMetrics.roc(s, same), 200, "test pack\nsynthetic", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1040);
        assertThat(image.getHeight()).isEqualTo(480);
        // the curve colour (31, 119, 180) appears in the left (ROC) and the right (DET) panel
        int left = 0;
        int right = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (b > 150 && r < 90 && g > 90 && g < 150) {
                    if (x < 520) {
                        left++;
                    } else {
                        right++;
                    }
                }
            }
        }
        assertThat(left).isGreaterThan(100);
        assertThat(right).isGreaterThan(100);
    }
}

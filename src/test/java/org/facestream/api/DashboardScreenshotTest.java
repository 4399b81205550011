package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import javax.imageio.ImageIO;
import org.facestream.config.ApiSettings;
import org.facestream.events.Json;
import org.facestream.events.ThresholdRef;
import org.facestream.events.WireFixtures;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless browser (Debian's chromium, driven over DevTools so the test can type the
 * API key into the prompt as a person would): nothing shows without a key, a wrong key is refused, a viewer
 * key renders events with face thumbnails (fetched with the key), camera tiles and charts from the API. The
 * server runs without Kafka, on in-memory collaborators. The screenshot is left at
 * {@code target/dashboard.png} for a person to look at.
 */
@Tag("browser")
class DashboardScreenshotTest {
    private static final String INSTALL = "apt-get update && apt-get install -y chromium";

    @TempDir
    Path dir;

    @Test
    void dashboardRendersEventsCamerasAndChartsInAHeadlessBrowser() throws Exception {
        String chromium = findChromium();
        ApiFixtures.InMemoryGallery gallery = new ApiFixtures.InMemoryGallery();
        for (String s : List.of("obama", "biden", "lin_manuel_miranda")) {
            gallery.write(
                    s,
                    WireFixtures.galleryRecord(
                            s,
                            ApiFixtures.PACK,
                            WireFixtures.unitVector(s.hashCode(), 512),
                            WireFixtures.unitVector(s.hashCode() + 1, 512)));
        }
        LiveFeed live = LiveFeed.defaults();
        byte[] obama = thumbnail("people/obama/obama.jpg");
        byte[] biden = thumbnail("people/biden/biden.jpg");
        byte[] lin = thumbnail("people/lin_manuel_miranda/lin-manuel-miranda.png");
        Instant t0 = Instant.now().minusSeconds(20);
        String[] cameras = {"lobby", "stage", "entrance"};
        for (int i = 0; i < 40; i++) {
            String cam = cameras[i % 3];
            Instant at = t0.plusMillis(i * 400L);
            String subject = switch (i % 5) {
                case 0, 3 -> "lin_manuel_miranda";
                case 1 -> "obama";
                case 2 -> null;
                default -> i % 2 == 0 ? "biden" : null;
            };
            double score = subject == null ? 0.05 + (i % 7) * 0.03 : 0.45 + (i % 9) * 0.04;
            String best = subject != null ? subject : "obama";
            byte[] thumb = "obama".equals(subject)
                    ? obama
                    : "biden".equals(subject) ? biden : "lin_manuel_miranda".equals(subject) ? lin : null;
            live.accept(ApiFixtures.observation(cam, i, at, thumb));
            live.accept(ApiFixtures.identity(cam, i, subject, best, score, at));
        }
        live.deadLetter("worker", "corrupt-image");
        live.deadLetter("worker", "corrupt-image");
        live.deadLetter("matcher", "model-pack-mismatch");
        Instant start = Instant.now().minusSeconds(600);
        ThresholdSource threshold = () -> new ThresholdSource.Snapshot(
                new ThresholdRef(0.36, 3, "adaptive-fpir"),
                List.of(
                        new ThresholdSource.Change(start, new ThresholdRef(0.30, 0, "adaptive-fpir"), "configured"),
                        new ThresholdSource.Change(
                                start.plusSeconds(200), new ThresholdRef(0.33, 1, "adaptive-fpir"), "re-estimated"),
                        new ThresholdSource.Change(
                                start.plusSeconds(380), new ThresholdRef(0.35, 2, "adaptive-fpir"), "re-estimated"),
                        new ThresholdSource.Change(
                                start.plusSeconds(520), new ThresholdRef(0.36, 3, "adaptive-fpir"), "re-estimated")));
        ClusterProbe cluster = new ClusterProbe() {
            @Override
            public boolean brokerReachable() {
                return true;
            }

            @Override
            public OptionalLong workerLag(String cameraId) {
                return OptionalLong.of(cameraId.length() % 3);
            }
        };
        MetricsRegistry metrics = new MetricsRegistry();
        try (ApiServer server = ApiServer.start(
                        ApiSettings.defaults(0),
                        new ApiServer.Collaborators(
                                gallery,
                                ApiFixtures.noGalleryChanges(),
                                (id, images) -> fail("no enrollment in this test"),
                                live,
                                threshold,
                                cluster,
                                MatcherProbe.UNKNOWN,
                                metrics,
                                ApiFixtures.keys()));
                DevToolsBrowser browser =
                        DevToolsBrowser.launch(chromium, dir, "http://127.0.0.1:" + server.port() + "/", 1400, 900)) {
            // the page loads, but shows nothing until it has a key
            browser.await(
                    "the key prompt",
                    "document.readyState === 'complete' && !document.getElementById('login').classList.contains('hidden')",
                    Duration.ofSeconds(20));
            assertThat(browser.evaluate("document.querySelectorAll('.event-row').length")
                            .asInt())
                    .isZero();
            assertThat(browser.evaluate("document.getElementById('kpi-subjects').textContent")
                            .asText())
                    .isEqualTo("–");

            // a wrong key is refused by the API and the prompt says so
            type(browser, "fsk_not-a-key");
            browser.await(
                    "the wrong key refused",
                    "document.getElementById('login-error').textContent.includes('refused')",
                    Duration.ofSeconds(10));
            assertThat(metrics.byLabel("api_auth_failures_total")).containsEntry("reason=\"unknown-key\"", 1L);

            // a viewer key opens it: 40 events with thumbnails (fetched with the key), tiles, charts
            type(browser, ApiFixtures.VIEWER_KEY);
            String rendered = "document.querySelectorAll('.event-row').length === 40"
                    + " && document.getElementById('kpi-threshold').textContent === '0.360'"
                    + " && document.querySelectorAll('.tile').length === 3"
                    + " && document.querySelectorAll('img.face').length > 0"
                    + " && [...document.querySelectorAll('img.face')].every((i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0)";
            browser.await("the dashboard rendered", rendered, Duration.ofSeconds(30));
            assertThat(browser.evaluate("document.getElementById('who').textContent")
                            .asText())
                    .isEqualTo("viewer-1 · viewer");
            assertThat(browser.evaluate("sessionStorage.getItem('facestream.apiKey')")
                            .asText())
                    .isEqualTo(ApiFixtures.VIEWER_KEY);
            assertThat(browser.evaluate("location.href").asText())
                    .doesNotContain(ApiFixtures.VIEWER_KEY)
                    .endsWith(":" + server.port() + "/");

            Path png = Path.of("target", "dashboard.png").toAbsolutePath();
            Files.createDirectories(png.getParent());
            Files.write(png, browser.screenshot());
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(1400);
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 3) {
                for (int x = 0; x < image.getWidth(); x += 3) {
                    colours.add(image.getRGB(x, y) & 0xFFFFFF);
                }
            }
            assertThat(colours.size())
                    .as("distinct colours in the screenshot (a blank page has one)")
                    .isGreaterThan(50);

            String dom = browser.evaluate("document.documentElement.outerHTML").asText();
            int rows = dom.split("class=\"event-row", -1).length - 1;
            assertThat(rows).as("rendered event rows").isEqualTo(40);
            assertThat(dom)
                    .contains("Lin Manuel Miranda")
                    .contains("Unknown face")
                    .contains("class=\"tile\"")
                    .contains("<img class=\"face\"")
                    .contains("0.360")
                    .contains("corrupt-image 2");

            // streaming (forced on: headless renderers poll by default): the key stays in the tab across the reload,
            // the stream is read with fetch and the key in a header, and a new event appears live
            browser.evaluate("location.search = '?stream=on'; true");
            browser.await(
                    "the stream opened",
                    "document.getElementById('status-text').textContent === 'live'",
                    Duration.ofSeconds(20));
            Await.until(
                    "the dashboard's SSE client",
                    Duration.ofSeconds(10),
                    () -> live.hub().clients() > 0);
            assertThat(live.hub().clients())
                    .as("one SSE client, authenticated by header")
                    .isEqualTo(1);
            live.accept(ApiFixtures.identity("lobby", 99, "biden", "biden", 0.66, Instant.now()));
            browser.await(
                    "the streamed event rendered",
                    "document.querySelector('[data-id=\"lobby/99/0\"]') !== null",
                    Duration.ofSeconds(10));
            assertThat(browser.evaluate("performance.getEntriesByType('resource').some((e) => e.name.includes('fsk_'))")
                            .asBoolean())
                    .as("no request URL carries a key")
                    .isFalse();
            // every data call authenticated: no refusals besides the wrong key's
            assertThat(metrics.total("api_auth_failures_total")).isEqualTo(1);
        }
    }

    /** Types {@code key} into the prompt and submits it, as a person would. */
    private static void type(DevToolsBrowser browser, String key) throws Exception {
        browser.evaluate("(() => { const i = document.getElementById('api-key'); i.value = "
                + Json.MAPPER.writeValueAsString(key)
                + "; document.getElementById('login-form').requestSubmit(); return true; })()");
    }

    private static String findChromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return fail("expected a chromium browser at /usr/bin/chromium, found none; install it with: " + INSTALL);
    }

    /** A 112-pixel square JPEG of the middle of a portrait, like the worker's aligned-face thumbnails. */
    private static byte[] thumbnail(String relative) throws Exception {
        BufferedImage src = ImageIO.read(SharedData.face(relative).toFile());
        int side = Math.min(src.getWidth(), src.getHeight());
        BufferedImage crop = src.getSubimage((src.getWidth() - side) / 2, (src.getHeight() - side) / 2, side, side);
        BufferedImage out = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(crop.getScaledInstance(112, 112, Image.SCALE_SMOOTH), 0, 0, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "jpg", bytes);
        return bytes.toByteArray();
    }
}

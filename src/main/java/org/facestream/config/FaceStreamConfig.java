package org.facestream.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigValue;
import org.facestream.events.AuditRecord;

/**
 * Every FaceStream configuration key, declared once with type, default, validator and documentation (in the
 * style of Kafka's own {@link ConfigDef}). Values come from, in increasing precedence: defaults, a properties
 * file ({@code --config}), environment variables ({@code FACESTREAM_} + key upper-cased with dots as
 * underscores, e.g. {@code FACESTREAM_MODELS_DIR}; {@code FACESTREAM_MODELS} is accepted for the model
 * directory), and command-line flags. Invalid configuration fails at start-up listing every bad key. Keys
 * starting with {@code kafka.} are passed to every Kafka client with the prefix removed (TLS, SASL, ...).
 * The README's configuration table is generated from this definition ({@code facestream config docs}).
 */
public final class FaceStreamConfig {
    public static final String BOOTSTRAP = "bootstrap.servers";
    public static final String MODELS_DIR = "models.dir";
    public static final String MODEL_PACK = "model.pack";
    public static final String EXECUTION_PROVIDER = "vision.execution.provider";
    public static final String VISION_THREADS = "vision.threads";
    public static final String DETECTOR_INPUT = "vision.detector.input.size";
    public static final String DETECTOR_SCORE = "vision.detector.score.threshold";
    public static final String FLIP = "vision.flip";
    public static final String REFINE_LANDMARKS = "vision.refine.landmarks";
    public static final String BATCH_MAX_FRAMES = "worker.batch.max.frames";
    public static final String WORKER_THREADS = "worker.instances";
    public static final String FRAME_MAX_BYTES = "worker.frame.max.bytes";
    public static final String FRAME_MAX_PIXELS = "worker.frame.max.pixels";
    public static final String MIN_FACE_SCORE = "worker.quality.min.detector.score";
    public static final String MIN_INTEROCULAR = "worker.quality.min.interocular.px";
    public static final String THUMBNAILS = "worker.thumbnails";
    public static final String WORKER_EMBED = "worker.embed";
    public static final String TRACK_MAX_GAP_MS = "worker.track.max.gap.ms";
    public static final String TRACK_MIN_IOU = "worker.track.min.iou";
    public static final String TRACK_LOW_SCORE = "worker.track.low.score";
    public static final String TRACK_CUT_CORRELATION = "worker.track.cut.correlation";
    public static final String BESTSHOT_MIN_GAIN = "worker.bestshot.min.gain";
    public static final String BESTSHOT_INTERVAL_MS = "worker.bestshot.interval.ms";
    public static final String MOTION_GATE = "worker.motion.gate";
    public static final String MOTION_MIN_CHANGED = "worker.motion.min.changed";
    public static final String DETECT_EVERY = "worker.detect.every";
    public static final String INGEST_FPS = "ingest.fps";
    public static final String INGEST_JPEG_QUALITY = "ingest.jpeg.quality";
    public static final String INGEST_MAX_SIDE = "ingest.max.side";
    public static final String MATCH_THRESHOLD = "matcher.threshold";
    public static final String MATCH_TOP_K = "matcher.top.k";
    public static final String SEARCH_STORAGE = "matcher.search.storage";
    public static final String TRACKS = "matcher.tracks";
    public static final String STATE_DIR = "matcher.state.dir";
    public static final String THRESHOLD_POLICY = "matcher.threshold.policy";
    public static final String TARGET_FPIR = "matcher.target.fpir";
    public static final String COHORT_DIR = "matcher.cohort.dir";
    public static final String METRICS_PORT = "metrics.port";
    public static final String METRICS_HOST = "metrics.host";
    public static final String API_KEYS_FILE = "api.keys.file";
    public static final String API_PORT = "api.port";
    public static final String MASTER_KEY_FILE = "security.master.key.file";
    public static final String PREVIOUS_MASTER_KEY_FILES = "security.master.key.previous.files";
    public static final String AUDIT_KEY_FILE = "security.audit.key.file";
    public static final String PREVIOUS_AUDIT_KEY_FILES = "security.audit.key.previous.files";
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP,
                    Type.STRING,
                    "127.0.0.1:9092",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port].")
            .define(
                    MODELS_DIR,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Directory holding the model pack's ONNX files (env FACESTREAM_MODELS). Files are checked against the pack's sha256.")
            .define(
                    MODEL_PACK,
                    Type.STRING,
                    "yunet-w600k-int8",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Model pack id (facestream models list). Detector, embedder, alignment and default threshold come from it.")
            .define(
                    EXECUTION_PROVIDER,
                    Type.STRING,
                    "cpu",
                    ValidString.in("cpu", "cuda"),
                    Importance.MEDIUM,
                    "ONNX Runtime execution provider. 'cuda' needs the -Pcuda build and a GPU, and fails clearly otherwise.")
            .define(
                    VISION_THREADS,
                    Type.INT,
                    1,
                    Range.between(1, 64),
                    Importance.LOW,
                    "ONNX Runtime intra-op threads per session. One is fastest on small CPUs: scale with worker.instances instead.")
            .define(
                    DETECTOR_INPUT,
                    Type.INT,
                    640,
                    Range.between(128, 4096),
                    Importance.MEDIUM,
                    "Longest side, in pixels, of the detector's input (rounded up to a multiple of 32): larger frames are scaled down to it, "
                            + "smaller ones are detected at their own size (padded to a multiple of 32), never upscaled.")
            .define(
                    DETECTOR_SCORE,
                    Type.DOUBLE,
                    0.6,
                    Range.between(0.0, 1.0),
                    Importance.MEDIUM,
                    "Detector score threshold in [0, 1].")
            .define(
                    FLIP,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Test-time flip: add the embedding of the mirrored face crop (slower, slightly more accurate).")
            .define(
                    REFINE_LANDMARKS,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Place the landmarks of every face that is embedded (worker shots, enrollment photos) again with SCRFD-500M "
                            + "(scrfd-500m-kps.onnx, non-commercial licence) on the region around it before alignment.")
            .define(
                    BATCH_MAX_FRAMES,
                    Type.INT,
                    8,
                    Range.between(1, 256),
                    Importance.LOW,
                    "Most frames a worker analyses in one batch (their faces are embedded together).")
            .define(
                    WORKER_THREADS,
                    Type.INT,
                    1,
                    Range.between(1, 64),
                    Importance.MEDIUM,
                    "Vision worker instances in this process, each a consumer in group facestream-worker with its own model sessions.")
            .define(
                    FRAME_MAX_BYTES,
                    Type.INT,
                    4 * 1024 * 1024,
                    Range.between(1024, 64 * 1024 * 1024),
                    Importance.MEDIUM,
                    "Largest JPEG frame the worker accepts, in bytes; larger frames are dead-lettered (reason frame-too-large).")
            .define(
                    FRAME_MAX_PIXELS,
                    Type.LONG,
                    40_000_000L,
                    Range.between(1, 1_000_000_000L),
                    Importance.MEDIUM,
                    "Largest decoded frame, in pixels, read from the JPEG header before decoding (decompression-bomb guard).")
            .define(
                    MIN_FACE_SCORE,
                    Type.DOUBLE,
                    0.6,
                    Range.between(0.0, 1.0),
                    Importance.MEDIUM,
                    "Faces with a lower detector score are dropped by the worker and counted (faces.dropped{reason=low-score}).")
            .define(
                    MIN_INTEROCULAR,
                    Type.DOUBLE,
                    6.0,
                    Range.atLeast(0.0),
                    Importance.MEDIUM,
                    "Faces whose eyes are closer than this many source pixels are dropped and counted (too small to identify).")
            .define(
                    THUMBNAILS,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Attach a small JPEG of each aligned face to observations (for dashboards). Off by default: face images are biometric data.")
            .define(
                    WORKER_EMBED,
                    Type.STRING,
                    "best-shot",
                    ValidString.in("best-shot", "every-face"),
                    Importance.HIGH,
                    "best-shot: follow each camera's faces across frames (worker.track.*) and embed a track's face when the track starts "
                            + "(its first face that passes the worker.quality.* gate), again only for a clearly better shot (worker.bestshot.min.gain) "
                            + "or when its last embedding is worker.bestshot.interval.ms old; the other faces are counted and extend their track, "
                            + "but are neither embedded nor observed. every-face: embed and observe every face of every frame (tracks still labelled).")
            .define(
                    TRACK_MAX_GAP_MS,
                    Type.INT,
                    1500,
                    Range.between(100, 600_000),
                    Importance.LOW,
                    "A track without a detection for this many milliseconds of capture time ends; the face's next detection starts a new track.")
            .define(
                    TRACK_MIN_IOU,
                    Type.DOUBLE,
                    0.2,
                    Range.between(0.01, 1.0),
                    Importance.LOW,
                    "Least overlap (IoU) of a track's box, moved on at its velocity, with a detection for the two to be associated.")
            .define(
                    TRACK_LOW_SCORE,
                    Type.DOUBLE,
                    0.4,
                    Range.between(0.0, 1.0),
                    Importance.LOW,
                    "Detections scoring at least this but under vision.detector.score.threshold only continue existing tracks "
                            + "(ByteTrack's second association): they are not counted, embedded or the start of a track.")
            .define(
                    TRACK_CUT_CORRELATION,
                    Type.DOUBLE,
                    0.25,
                    Range.between(-1.0, 1.0),
                    Importance.LOW,
                    "A frame whose 64-pixel-wide grey copy correlates less than this with the camera's last detected frame is a scene cut "
                            + "(the camera switched or was moved): every track of the camera ends, so a new face in an old face's place is embedded. -1: never.")
            .define(
                    BESTSHOT_MIN_GAIN,
                    Type.DOUBLE,
                    1.25,
                    Range.between(1.0, 100.0),
                    Importance.MEDIUM,
                    "A tracked face is embedded again when its quality score reaches this multiple of the best score embedded on its track "
                            + "(and exceeds it by at least 0.05). "
                            + "Quality score in [0, 1]: detector score x min(1, eye distance / 40 px) x sharpness / (sharpness + 100) x cos^2(yaw).")
            .define(
                    BESTSHOT_INTERVAL_MS,
                    Type.INT,
                    5000,
                    Range.between(0, 3_600_000),
                    Importance.MEDIUM,
                    "A tracked face is embedded again when its track's last embedding is this many milliseconds old (capture time); 0: never for time alone.")
            .define(
                    MOTION_GATE,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Skip detection on frames where nothing moved since the last detected frame of the camera (a 64-pixel-wide grey copy, "
                            + "pixels changed by more than 12 grey levels); tracks age as usual, and detection runs at least every half worker.track.max.gap.ms.")
            .define(
                    MOTION_MIN_CHANGED,
                    Type.DOUBLE,
                    0.003,
                    Range.between(0.0, 1.0),
                    Importance.LOW,
                    "Fraction of the grey copy's pixels that must change for a frame to count as moved (worker.motion.gate).")
            .define(
                    DETECT_EVERY,
                    Type.INT,
                    2,
                    Range.between(1, 10),
                    Importance.MEDIUM,
                    "Detect faces on every n-th frame of a camera (and on every scene cut); the frames between only age its tracks, "
                            + "as frames without motion do, so a new face is found at most n-1 frames later (1: every frame; every-face mode detects every frame).")
            .define(
                    INGEST_FPS,
                    Type.DOUBLE,
                    5.0,
                    Range.between(0.0, 240.0),
                    Importance.MEDIUM,
                    "Frames per second sampled from each camera (0 = every frame).")
            .define(
                    INGEST_JPEG_QUALITY,
                    Type.INT,
                    90,
                    Range.between(10, 100),
                    Importance.LOW,
                    "JPEG quality of produced frames.")
            .define(
                    INGEST_MAX_SIDE,
                    Type.INT,
                    640,
                    Range.between(64, 8192),
                    Importance.MEDIUM,
                    "Frames are downscaled so their longer side is at most this many pixels before encoding: the size the detector works at "
                            + "(a camera's substream), which it then takes without rescaling (vision.detector.input.size).")
            .define(
                    MATCH_THRESHOLD,
                    Type.DOUBLE,
                    -2.0,
                    Range.between(-2.0, 1.0),
                    Importance.HIGH,
                    "Fixed decision threshold as a cosine in [-1, 1]; -2 (default) takes the model pack's default threshold.")
            .define(
                    THRESHOLD_POLICY,
                    Type.STRING,
                    "fixed",
                    ValidString.in("fixed", "adaptive-fpir"),
                    Importance.HIGH,
                    "fixed: decide with matcher.threshold. adaptive-fpir: hold matcher.target.fpir with the GB-CosFace-style global adaptive threshold (topologies/README.md).")
            .define(
                    TARGET_FPIR,
                    Type.DOUBLE,
                    0.01,
                    Range.between(1e-6, 0.5),
                    Importance.HIGH,
                    "Target false-positive identification rate of the adaptive policy (per decision).")
            .define(
                    COHORT_DIR,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Photos of an impostor cohort (people not in the gallery, one face per photo; a sub-folder holds one person's photos) for the adaptive policy's null scores; empty: leave-top-1-out fallback.")
            .define(
                    MATCH_TOP_K,
                    Type.INT,
                    5,
                    Range.between(1, 100),
                    Importance.LOW,
                    "Candidates listed in each identity event.")
            .define(
                    SEARCH_STORAGE,
                    Type.STRING,
                    "auto",
                    ValidString.in("auto", "fp32", "fp16", "int8"),
                    Importance.LOW,
                    "What the matcher's exact gallery search scans per observation: fp32 rows; an fp16 or int8 copy (half or a quarter of the bytes, best rows re-scored in fp32, results identical; memory +50% or +25%); auto: an int8 copy scanned from 8,192 templates up, fp32 below (README, Accuracy and performance).")
            .define(
                    TRACKS,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Decide per track: take the vision worker's track of each observation (worker.track.*), fuse a track's embedded faces by quality, emit one identity event when a track starts and another each time its evidence doubles; the adaptive target FPIR is then per track. false: one event per observation.")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Kafka Streams state directory (RocksDB). Empty: a directory under java.io.tmpdir.")
            .define(
                    METRICS_PORT,
                    Type.INT,
                    0,
                    Range.between(0, 65535),
                    Importance.LOW,
                    "Port of the Prometheus /metrics endpoint of worker, matcher and ingest processes (0 = off; the API serves its own).")
            .define(
                    METRICS_HOST,
                    Type.STRING,
                    "127.0.0.1",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "Interface the /metrics endpoint binds to (0.0.0.0 in containers).")
            .define(
                    MASTER_KEY_FILE,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "File holding the master key (one line of base64, 32 random bytes; facestream keys create --out FILE makes one). It wraps every "
                            + "subject's data key, so the gallery cannot be read without it. Required by enroll, gallery, matcher and api, which refuse to start "
                            + "without it; the demo mints an ephemeral one when empty. Keep it apart from backups of the topics.")
            .define(
                    PREVIOUS_MASTER_KEY_FILES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Earlier master key files (comma-separated) still accepted to unwrap data keys wrapped before a rotation; new keys are always "
                            + "wrapped under security.master.key.file.")
            .define(
                    AUDIT_KEY_FILE,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "File holding the audit key (one line of base64, 32 random bytes; facestream keys create --audit --out FILE makes one). "
                            + "Every audit record and chain checkpoint is authenticated under it (HMAC-SHA256), so a writer of the audit topic "
                            + "without it can neither forge a chain nor append to one. Required by every role that writes the audit log (api, enroll, "
                            + "erase, worker, matcher, ingest) and by facestream audit verify; the demo mints an ephemeral one when empty. "
                            + "Use a key of its own, not the master key.")
            .define(
                    PREVIOUS_AUDIT_KEY_FILES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Earlier audit key files (comma-separated) that still verify records sealed before a rotation; new records are always "
                            + "sealed under security.audit.key.file.")
            .define(
                    API_KEYS_FILE,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "API key file, one key per line: key id, role (viewer, operator or admin), SHA-256 hex of the key (facestream api-key create). "
                            + "Required by facestream api; reloaded when it changes, each change audited. Empty in demo --port: an ephemeral admin key is printed.")
            .define(
                    API_PORT,
                    Type.INT,
                    8080,
                    Range.between(1, 65535),
                    Importance.LOW,
                    "TCP port of facestream api (REST API, server-sent events, dashboard, /metrics); --port overrides it.");

    /** Names of configuration values that are never written anywhere (audit records, logs) in clear. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|secret|jaas|token|credential|private|\\.key$).*");

    private final Map<String, Object> values;
    private final Map<String, String> kafkaOverrides;

    private FaceStreamConfig(Map<String, Object> values, Map<String, String> kafkaOverrides) {
        this.values = values;
        this.kafkaOverrides = kafkaOverrides;
    }

    /**
     * Resolves configuration from an optional properties file, the environment and explicit overrides.
     *
     * @throws InvalidConfigurationException listing every bad key
     */
    public static FaceStreamConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> raw = new HashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new InvalidConfigurationException(
                        List.of("cannot read config file " + file + ": " + e.getMessage()));
            }
            p.stringPropertyNames().forEach(k -> raw.put(k, p.getProperty(k)));
        }
        for (String key : DEFINITION.names()) {
            String v = env.get(envName(key));
            if (v != null) {
                raw.put(key, v);
            }
        }
        if (!raw.containsKey(MODELS_DIR) && env.get("FACESTREAM_MODELS") != null) {
            raw.put(MODELS_DIR, env.get("FACESTREAM_MODELS"));
        }
        raw.putAll(overrides);

        Map<String, String> kafka = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        Map<String, String> known = new HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), v);
            } else if (DEFINITION.names().contains(k)) {
                known.put(k, v);
            } else {
                errors.add(k + ": unknown key (facestream config docs lists every key)");
            }
        });
        for (ConfigValue cv : DEFINITION.validate(known)) {
            for (String m : cv.errorMessages()) {
                errors.add(cv.name() + ": " + m);
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(String::compareTo);
            throw new InvalidConfigurationException(errors);
        }
        return new FaceStreamConfig(DEFINITION.parse(known), kafka);
    }

    /** The environment variable for a key: {@code FACESTREAM_} + upper-cased key, dots as underscores. */
    public static String envName(String key) {
        return "FACESTREAM_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The parsed value of a key (passwords are shown as [hidden] by Kafka's parser). */
    public Object value(String key) {
        return values.get(key);
    }

    public String string(String key) {
        return (String) values.get(key);
    }

    public int integer(String key) {
        return (Integer) values.get(key);
    }

    public long longValue(String key) {
        return (Long) values.get(key);
    }

    public double decimal(String key) {
        return (Double) values.get(key);
    }

    public boolean bool(String key) {
        return (Boolean) values.get(key);
    }

    /** Settings passed to every Kafka client ({@code kafka.*} keys without the prefix, plus bootstrap). */
    public Map<String, Object> kafkaClientSettings() {
        Map<String, Object> m = new HashMap<>(kafkaOverrides);
        m.put("bootstrap.servers", string(BOOTSTRAP));
        return m;
    }

    /**
     * Every resolved value as audit records carry it: each declared key and each {@code kafka.*} override,
     * sorted, with secrets (names with password, secret, jaas, token, credential, private, or ending in
     * {@code .key}) shown as {@code [redacted]}.
     */
    public SortedMap<String, String> redacted() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String key : DEFINITION.names()) {
            Object v = values.get(key);
            out.put(key, SECRET_NAME.matcher(key).matches() ? "[redacted]" : String.valueOf(v));
        }
        kafkaOverrides.forEach(
                (k, v) -> out.put(KAFKA_PREFIX + k, SECRET_NAME.matcher(k).matches() ? "[redacted]" : v));
        return out;
    }

    /** SHA-256 of {@link #redacted()} as {@code key=value} lines: equal digests, equal configuration (secrets aside). */
    public String digest() {
        StringBuilder sb = new StringBuilder();
        redacted().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return AuditRecord.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The configuration table of the README, generated from {@link #DEFINITION}. */
    public static String markdownTable() {
        StringBuilder sb =
                new StringBuilder("| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : DEFINITION.configKeys().values()) {
            String def = k.hasDefault() ? String.valueOf(k.defaultValue) : "";
            sb.append("| `")
                    .append(k.name)
                    .append("` | ")
                    .append(k.type.toString().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(def.isEmpty() ? "" : "`" + def + "`")
                    .append(" | ")
                    .append(k.validator == null ? "" : k.validator.toString().replace("|", "\\|"))
                    .append(" | ")
                    .append(k.documentation.replace("|", "\\|"))
                    .append(" (env `")
                    .append(envName(k.name))
                    .append("`) |\n");
        }
        sb.append(
                "| `kafka.*` | string | | | Passed to every Kafka client without the prefix, e.g. `kafka.security.protocol=SASL_SSL`. |\n");
        return sb.toString();
    }

    /** Configuration that failed validation; the message lists every bad key, one per line. */
    public static final class InvalidConfigurationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidConfigurationException(List<String> errors) {
            super("invalid configuration:\n  " + String.join("\n  ", errors));
        }
    }
}

package org.facestream.model;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The model packs FaceStream knows by id. The first four have their files in the offline models directory
 * (see {@code ../shared/models/MODELS.md}); the upstream packs are described so a deployment knows what to
 * download, and cannot be opened until their checksums are pinned.
 */
public final class ModelPacks {
    private static final String ZOO = "https://github.com/opencv/opencv_zoo/raw/main/models/";
    private static final String INSIGHTFACE = "https://github.com/deepinsight/insightface/releases/download/v0.7/";
    private static final String INSIGHTFACE_LICENCE = "InsightFace pretrained models: non-commercial research only";
    private static final float ARCFACE_MEAN = 127.5f;

    private static final ModelFile YUNET_2026MAY = new ModelFile(
            "yunet-2026may.onnx",
            "ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0",
            ZOO + "face_detection_yunet");
    private static final ModelFile SCRFD_500M = new ModelFile(
            "scrfd-500m-kps.onnx",
            "6c6ba7956684796d7d582bfa1ab95dfe01dd280159f6bff1e23c1bc32bcc8431",
            INSIGHTFACE + "buffalo_s.zip");
    /**
     * SCRFD-500M as the landmark refiner ({@code vision.refine.landmarks}): run again on the region around a face
     * that is about to be embedded, whatever the pack's own detector.
     */
    public static final ModelFile LANDMARK_REFINER = SCRFD_500M;

    private static final ModelFile W600K_MBF_INT8 = new ModelFile(
            "arcface-w600k-mbf-int8.onnx",
            "7caa7fb0ad6c37b33e6c59f6411084b487aaabd596bba645d2cce391a5871120",
            INSIGHTFACE + "buffalo_s.zip");

    /**
     * Default: YuNet + ArcFace MobileFaceNet trained on WebFace600K, int8. 99.5% on LFW View 2 in reference
     * runs with an equal-error threshold near cosine 0.23; the open-set default is set higher (0.40) because a
     * watch-list needed 0.35 to 0.47 to hold a 1% false-positive identification rate.
     */
    public static final ModelPack YUNET_W600K_INT8 = new ModelPack(
            "yunet-w600k-int8",
            "YuNet 2026may detector + ArcFace w600k MobileFaceNet int8, 512-d",
            YUNET_2026MAY,
            DetectorKind.YUNET,
            320,
            W600K_MBF_INT8,
            112,
            112,
            ChannelOrder.RGB,
            ARCFACE_MEAN,
            1 / 127.5f,
            0,
            512,
            "detector MIT (OpenCV Zoo); embedder " + INSIGHTFACE_LICENCE,
            true,
            0.40f);

    /** SCRFD-500M + the same embedder: slightly more accurate on LFW (99.6%), non-commercial detector too. */
    public static final ModelPack SCRFD_W600K_INT8 = new ModelPack(
            "scrfd-w600k-int8",
            "SCRFD-500M detector + ArcFace w600k MobileFaceNet int8, 512-d",
            SCRFD_500M,
            DetectorKind.SCRFD,
            320,
            W600K_MBF_INT8,
            112,
            112,
            ChannelOrder.RGB,
            ARCFACE_MEAN,
            1 / 127.5f,
            0,
            512,
            INSIGHTFACE_LICENCE,
            true,
            0.40f);

    /** YuNet + a 128-d MobileFaceNet trained on CASIA-WebFace with a 112x96 crop. */
    public static final ModelPack YUNET_MBF_CASIA = new ModelPack(
            "yunet-mbf-casia",
            "YuNet 2026may detector + ArcFace MobileFaceNet CASIA-WebFace, 112x96, 128-d",
            YUNET_2026MAY,
            DetectorKind.YUNET,
            320,
            new ModelFile(
                    "arcface-mobilefacenet-casia-112x96.onnx",
                    "fef116538ee247829df21a8e35802dc7b34bbd10170b4bc4b7354bdf545694c8",
                    null),
            112,
            96,
            ChannelOrder.RGB,
            ARCFACE_MEAN,
            1 / 128f,
            -8,
            128,
            "detector MIT (OpenCV Zoo); embedder: no licence stated (research use)",
            true,
            0.40f);

    /** YuNet + the MIT-licensed faceplugin MobileFaceNet (batch fixed at 1 in the graph). */
    public static final ModelPack YUNET_FACEPLUGIN_512 = new ModelPack(
            "yunet-faceplugin-512",
            "YuNet 2026may detector + faceplugin MobileFaceNet, 512-d",
            YUNET_2026MAY,
            DetectorKind.YUNET,
            320,
            new ModelFile(
                    "mobilefacenet-512-faceplugin.onnx",
                    "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581",
                    null),
            112,
            112,
            ChannelOrder.RGB,
            127f,
            1 / 128f,
            0,
            512,
            "MIT (detector OpenCV Zoo, embedder its npm package)",
            false,
            0.40f);

    /**
     * Licence-clean default for deployments: OpenCV Zoo YuNet (MIT) + SFace (Apache-2.0), 128-d, RGB raw
     * 0..255; OpenCV documents cosine 0.363 as SFace's same-person threshold. Not pinned here (its files could
     * not be fetched where FaceStream is built): {@code models pull} with the operator's {@code --sha256} per
     * file pins them for a models directory ({@link ModelFiles#operatorPin}). Accuracy not yet measured.
     */
    public static final ModelPack OPENCV_ZOO_YUNET_SFACE = new ModelPack(
            "opencv-zoo-yunet-sface",
            "OpenCV Zoo YuNet 2023mar + SFace 2021dec, 128-d (download)",
            new ModelFile(
                    "face_detection_yunet_2023mar.onnx",
                    null,
                    ZOO + "face_detection_yunet/face_detection_yunet_2023mar.onnx"),
            DetectorKind.YUNET,
            320,
            new ModelFile(
                    "face_recognition_sface_2021dec.onnx",
                    null,
                    ZOO + "face_recognition_sface/face_recognition_sface_2021dec.onnx"),
            112,
            112,
            ChannelOrder.RGB,
            0f,
            1f,
            0,
            128,
            "MIT (YuNet) and Apache-2.0 (SFace)",
            false,
            0.363f);

    /** InsightFace buffalo_s (SCRFD-500M + w600k_mbf fp32). Non-commercial. Not pinned. */
    public static final ModelPack INSIGHTFACE_BUFFALO_S = new ModelPack(
            "insightface-buffalo-s",
            "InsightFace buffalo_s: SCRFD-500M + w600k MobileFaceNet, 512-d (download)",
            new ModelFile("det_500m.onnx", null, INSIGHTFACE + "buffalo_s.zip"),
            DetectorKind.SCRFD,
            320,
            new ModelFile("w600k_mbf.onnx", null, INSIGHTFACE + "buffalo_s.zip"),
            112,
            112,
            ChannelOrder.RGB,
            ARCFACE_MEAN,
            1 / 127.5f,
            0,
            512,
            INSIGHTFACE_LICENCE,
            true,
            0.40f);

    /** InsightFace buffalo_l (SCRFD-10G + w600k_r50): most accurate, slowest. Non-commercial. Not pinned. */
    public static final ModelPack INSIGHTFACE_BUFFALO_L = new ModelPack(
            "insightface-buffalo-l",
            "InsightFace buffalo_l: SCRFD-10G + w600k ResNet-50, 512-d (download)",
            new ModelFile("det_10g.onnx", null, INSIGHTFACE + "buffalo_l.zip"),
            DetectorKind.SCRFD,
            320,
            new ModelFile("w600k_r50.onnx", null, INSIGHTFACE + "buffalo_l.zip"),
            112,
            112,
            ChannelOrder.RGB,
            ARCFACE_MEAN,
            1 / 127.5f,
            0,
            512,
            INSIGHTFACE_LICENCE,
            true,
            0.40f);

    /** The pack used when none is configured. */
    public static final ModelPack DEFAULT = YUNET_W600K_INT8;

    private static final List<ModelPack> ALL = List.of(
            YUNET_W600K_INT8,
            SCRFD_W600K_INT8,
            YUNET_MBF_CASIA,
            YUNET_FACEPLUGIN_512,
            OPENCV_ZOO_YUNET_SFACE,
            INSIGHTFACE_BUFFALO_S,
            INSIGHTFACE_BUFFALO_L);
    private static final Map<String, ModelPack> BY_ID =
            ALL.stream().collect(Collectors.toUnmodifiableMap(ModelPack::id, Function.identity()));

    private ModelPacks() {}

    /** Every known pack, the default first. */
    public static List<ModelPack> all() {
        return ALL;
    }

    /** The pack with this id; the error lists the known ids. */
    public static ModelPack byId(String id) {
        ModelPack pack = id == null ? null : BY_ID.get(id);
        if (pack == null) {
            throw new IllegalArgumentException("expected a model pack id, one of "
                    + ALL.stream().map(ModelPack::id).collect(Collectors.joining(", ")) + "; found " + id);
        }
        return pack;
    }
}

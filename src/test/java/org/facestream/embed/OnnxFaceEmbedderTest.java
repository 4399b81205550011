package org.facestream.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facestream.model.ChannelOrder;
import org.facestream.model.FloatTensor;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxModel;
import org.facestream.model.OnnxOptions;
import org.facestream.model.VerifiedPack;
import org.facestream.testing.SharedData;
import org.facestream.vision.FrameDecoder;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.imgproc.Imgproc;

/** Model test: the embedder's preprocessing, batching and test-time flip with the default pack's embedder. */
class OnnxFaceEmbedderTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;

    /**
     * Each crop is turned into its own blob (OpenCV's list form frees its temporary under the native call) and the
     * planes are laid side by side: the batches the model sees, and so the embeddings, are bit for bit those of
     * OpenCV's {@code blobFromImages} over the same crops, also across a batch boundary and with mirrored crops.
     */
    @Test
    void batchesOfCropsEmbedBitForBitAsOneBlobOfThemWould() throws Exception {
        VerifiedPack files = ModelFiles.verify(PACK, SharedData.models());
        List<Mat> crops = new ArrayList<>();
        List<Mat> mirrors = new ArrayList<>();
        try (OnnxFaceEmbedder embedder = new OnnxFaceEmbedder(
                        OnnxModel.open(files.embedderPath(), "embedder", OnnxOptions.cpu()), PACK, true, 4);
                OnnxModel reference = OnnxModel.open(files.embedderPath(), "reference", OnnxOptions.cpu())) {
            for (String image : List.of("orl/s1/1.png", "orl/s2/1.png", "orl/s3/1.png")) {
                Mat decoded = FrameDecoder.decodeJpeg(Files.readAllBytes(SharedData.face(image)));
                Mat crop = new Mat();
                Imgproc.resize(decoded, crop, new Size(PACK.embedderWidth(), PACK.embedderHeight()));
                decoded.release();
                crops.add(crop);
                Mat mirror = new Mat();
                Core.flip(crop, mirror, 1);
                mirrors.add(mirror);
            }
            List<Embedding> got = embedder.embed(crops);

            // three crops and their mirrors, at most four a batch: [c0 c1 c2 m0] [m1 m2]
            List<Mat> items = new ArrayList<>(crops);
            items.addAll(mirrors);
            float[][] raw = new float[items.size()][];
            for (int start = 0; start < items.size(); start += 4) {
                List<Mat> batch = items.subList(start, Math.min(items.size(), start + 4));
                float[] values = run(reference, batch);
                int dim = PACK.embeddingDimension();
                for (int i = 0; i < batch.size(); i++) {
                    raw[start + i] = java.util.Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
                }
            }
            assertThat(got).hasSize(3);
            for (int i = 0; i < 3; i++) {
                float[] sum = new float[PACK.embeddingDimension()];
                double norm = 0;
                double rawNorm = 0;
                for (int k = 0; k < sum.length; k++) {
                    sum[k] = raw[i][k] + raw[3 + i][k];
                    norm += (double) sum[k] * sum[k];
                    rawNorm += (double) raw[i][k] * raw[i][k];
                }
                for (int k = 0; k < sum.length; k++) {
                    sum[k] = (float) (sum[k] / Math.sqrt(norm));
                }
                assertThat(got.get(i).vector()).as("crop " + i).containsExactly(sum);
                assertThat(got.get(i).rawNorm()).as("crop " + i).isEqualTo((float) Math.sqrt(rawNorm));
            }
        } finally {
            crops.forEach(Mat::release);
            mirrors.forEach(Mat::release);
        }
    }

    /** The model's raw output for a batch preprocessed by OpenCV's list form, the reference. */
    private static float[] run(OnnxModel model, List<Mat> batch) {
        int h = PACK.embedderHeight();
        int w = PACK.embedderWidth();
        float mean = PACK.pixelMean();
        Mat blob = Dnn.blobFromImages(
                batch,
                PACK.pixelScale(),
                new Size(w, h),
                new Scalar(mean, mean, mean),
                PACK.channelOrder() == ChannelOrder.RGB,
                false);
        float[] data = new float[batch.size() * 3 * h * w];
        try {
            blob.get(new int[] {0, 0, 0, 0}, data);
        } finally {
            blob.release();
        }
        Map<String, FloatTensor> out = model.run(new FloatTensor(data, batch.size(), 3, h, w), "reference batch");
        return out.values().iterator().next().data();
    }
}

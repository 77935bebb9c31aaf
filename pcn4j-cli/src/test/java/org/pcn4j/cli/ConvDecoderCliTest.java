package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.Idx;
import org.pcn4j.io.ModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.util.Json;

/**
 * A generative conv decoder (label -> dense -> [8, 2, 2] -> conv_transpose2d -> [4, 4, 4] ->
 * conv_transpose2d -> image [1, 8, 8]) trained on the embedded 8x8 digits with
 * {@code train --graph --mode generative}, then queried from its saved file with generate,
 * complete and classify: the small fixture of examples/conv-decoder.yaml (issue 13, item 6c).
 */
class ConvDecoderCliTest {
    @TempDir
    static Path tmp;

    static final String DECODER = "nodes:\n"
            + "  - {name: label, size: 10, role: input}\n"
            + "  - {name: h, shape: [8, 2, 2]}\n"
            + "  - {name: u, shape: [4, 4, 4]}\n"
            + "  - {name: image, shape: [1, 8, 8], role: target}\n"
            + "edges:\n"
            + "  - {from: label, to: h}\n"
            + "  - {from: h, to: u, op: conv_transpose2d, kernel: 4, stride: 2, padding: 1, activation: tanh, convention: pre}\n"
            + "  - {from: u, to: image, op: conv_transpose2d, kernel: 4, stride: 2, padding: 1, activation: tanh, convention: pre}\n";

    static Path run;
    static String model;
    static CliRunner.Result train;
    static Path testImages;
    static Path testLabels;
    static Dataset trainSplit;

    @BeforeAll
    static void trainOnce() throws IOException {
        Path spec = tmp.resolve("decoder.yaml");
        Files.writeString(spec, DECODER);
        run = tmp.resolve("dec");
        model = run.resolve("model.safetensors").toString();
        // Rates spelled out: the fixture needs a model that trains in a few epochs, whatever the defaults.
        train = CliRunner.run("train", "--graph", spec.toString(), "--mode", "generative", "--dataset", "digits",
                "--epochs", "6", "--state-lr", "0.1", "--state-momentum", "0.5", "--lr", "3e-3", "--schedule",
                "constant", "--threads", "1", "--quiet", "--no-plots", "--out", run.toString());
        trainSplit = Datasets.load("digits", null).train();
        testImages = tmp.resolve("test-images.idx");
        testLabels = tmp.resolve("test-labels.idx");
        GenerativeCommandsTest.writeDigitsTest(testImages, testLabels);
    }

    @Test
    void trainsAndSavesAGenerativeConvModel() throws IOException {
        assertEquals(0, train.code(), train.err());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(6, lines.size());
        double first = ((Number) Json.parseObject(lines.get(0)).get("train_energy")).doubleValue();
        double last = ((Number) Json.parseObject(lines.get(5)).get("train_energy")).doubleValue();
        assertTrue(last < 0.7 * first, "train energy " + first + " -> " + last);
        SafeTensors.Contents c = SafeTensors.read(run.resolve("model.safetensors"));
        assertEquals("generative", c.metadata().get("mode"));
        assertEquals("image", c.metadata().get("image_node"));
        assertEquals("label", c.metadata().get("label_node"));
        // nn.ConvTranspose2d's layout: [in_channels, out_channels, kh, kw].
        assertArrayEquals(new int[] {8, 4, 4, 4}, (c.get("edges.h->u.weight").shape()));
        assertArrayEquals(new int[] {4, 1, 4, 4}, (c.get("edges.u->image.weight").shape()));
        assertArrayEquals(new int[] {32, 10}, (c.get("edges.label->h.weight").shape()));
    }

    @Test
    void theSavedModelRoundTrips() throws IOException {
        assertEquals(0, train.code(), train.err());
        ModelFile.LoadedModel a = ModelFile.loadModel(Path.of(model));
        Path again = tmp.resolve("again.safetensors");
        ModelFile.save(again, a.model(), a.affine(), a.metadata());
        ModelFile.LoadedModel b = ModelFile.loadModel(again);
        assertEquals(a.model().network().parameterCount(), b.model().network().parameterCount());
        // The same top-down images from both.
        assertArrayEquals(topDown(a.model()), topDown(b.model()));
        // And the CLI's classify on the saved file gives the training run's last test accuracy.
        CliRunner.Result r = CliRunner.run("classify", "--model", model, "--images", testImages.toString(), "--labels",
                testLabels.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        double acc = ((Number) Json.parseObject(r.out().trim()).get("accuracy")).doubleValue();
        double trained = ((Number) Json.parseObject(Files.readAllLines(run.resolve("metrics.jsonl")).get(5))
                .get("test_accuracy")).doubleValue();
        assertEquals(trained, acc, 1e-9);
        System.err.println("conv decoder on the digits, generative classification: " + acc);
        assertTrue(acc > 0.5, "generative test accuracy of the conv decoder after 6 epochs: " + acc);
        r = CliRunner.run("graph", "show", model, "--no-png");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conv_transpose2d"), r.out());
    }

    @Test
    void generatesImagesOfTheImageShapeClosestToTheirClassMean() throws IOException {
        assertEquals(0, train.code(), train.err());
        double[][] means = classMeans();
        int closest = 0;
        for (int c = 0; c < 10; c++) {
            Path out = tmp.resolve("gen-" + c + ".idx");
            CliRunner.Result r = CliRunner.run("generate", "--model", model, "--label", String.valueOf(c), "--count", "3",
                    "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.size(tmp.resolve("gen-" + c + ".png")) > 0);
            Idx.Images im = Idx.readImages(out);
            assertEquals(List.of(3, 8, 8), List.of(im.count(), im.rows(), im.cols()));
            closest += nearest(means, im.pixels(), 0) == c ? 1 : 0;
        }
        System.err.println("conv decoder: generated digits closest to their own class mean: " + closest + "/10");
        assertTrue(closest >= 7, "classes whose generated image is closest to their own mean: " + closest);
        // With Langevin noise the samples differ.
        Path noisy = tmp.resolve("noisy.idx");
        assertEquals(0, CliRunner.run("generate", "--model", model, "--label", "4", "--count", "2", "--noise", "0.3",
                "--seed", "2", "--out", noisy.toString()).code());
        byte[] px = Idx.readImages(noisy).pixels();
        assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOf(px, 64), java.util.Arrays.copyOfRange(px, 64, 128)));
    }

    @Test
    void completionLowersTheErrorOfTheUnknownHalf() {
        assertEquals(0, train.code(), train.err());
        for (String clamp : new String[] {"top-half", "left-half"}) {
            double start = hiddenMse(clamp, 0, "default");
            double mean = hiddenMse(clamp, 0, "mean");
            double done = hiddenMse(clamp, 100, "default");
            double searched = hiddenMse(clamp, 20, "default", "--label-search");
            System.err.printf("conv decoder, %s known: unknown-pixel MSE %.4f after 100 steps, %.4f at the start"
                    + " (top-down image of a zero label), %.4f for the mean image, %.4f with --label-search (20 steps)%n",
                    clamp, done, start, mean, searched);
            assertTrue(done < start, clamp + ": " + done + " vs " + start);
            assertTrue(done < mean, clamp + ": " + done + " vs the mean image's " + mean);
            assertTrue(searched < mean, clamp + ": --label-search " + searched + " vs the mean image's " + mean);
        }
        CliRunner.Result r = CliRunner.run("complete", "--model", model, "--cues", testImages.toString(), "--clamp", "none",
                "--label-search", "--out", tmp.resolve("ls.idx").toString());
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().trim().lines().count(), r.err());
        assertTrue(r.err().contains("--label-search needs"), r.err());
    }

    @Test
    void theExampleDecoderTrainsOn28x28ImagesAndGeneratesThem() throws IOException {
        // A 28x28 greyscale image folder: 10 classes, 2 training and 1 test image each (class c a bright band at row 2c).
        Path folder = tmp.resolve("images28");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (String split : new String[] {"train", "test"}) {
            for (int c = 0; c < 10; c++) {
                Path d = folder.resolve(split).resolve("class" + c);
                Files.createDirectories(d);
                for (int i = 0; i < (split.equals("train") ? 2 : 1); i++) {
                    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            img.getRaster().setSample(x, y, 0, (y / 2 == c + 2 ? 200 : 20) + rng.nextInt(40));
                        }
                    }
                    javax.imageio.ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        }
        Path out = tmp.resolve("example");
        CliRunner.Result r = CliRunner.run("train", "--graph", "../examples/conv-decoder.yaml", "--mode", "generative",
                "--dataset", "imagefolder:" + folder, "--epochs", "1", "--batch-size", "10", "-T", "4",
                "--eval-inference-steps", "0", "--threads", "1", "--quiet", "--no-plots", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String m = out.resolve("model.safetensors").toString();
        SafeTensors.Contents c = SafeTensors.read(out.resolve("model.safetensors"));
        assertArrayEquals(new int[] {32, 16, 4, 4}, c.get("edges.h->u.weight").shape());
        assertArrayEquals(new int[] {16, 1, 4, 4}, c.get("edges.u->image.weight").shape());
        assertArrayEquals(new int[] {32 * 7 * 7, 10}, c.get("edges.label->h.weight").shape());
        Path gen = tmp.resolve("example-gen.idx");
        r = CliRunner.run("generate", "--model", m, "--label", "5", "--count", "2", "--threads", "1", "--out", gen.toString());
        assertEquals(0, r.code(), r.err());
        Idx.Images im = Idx.readImages(gen);
        assertEquals(List.of(2, 28, 28), List.of(im.count(), im.rows(), im.cols()));
        Path cues = tmp.resolve("example-cues.idx");
        Idx.writeImages(cues, 1, 28, 28, java.util.Arrays.copyOf(im.pixels(), 784));
        r = CliRunner.run("complete", "--model", m, "--cues", cues.toString(), "--clamp", "left-half", "--inference-steps",
                "5", "--threads", "1", "--out", tmp.resolve("example-done.idx").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void decodersWhoseShapesDoNotChainAreOneLineErrors() throws IOException {
        String[][] cases = {
            // u is 4x4: a stride-2 kernel-4 transposed conv makes 8x8, not 6x6
            {DECODER.replace("[1, 8, 8]", "[1, 6, 6]"), "edge u->image: conv_transpose2d", "node image is 1x6x6"},
            {DECODER.replace("size: 10", "size: 7"), "input node 'label' is the label and needs size 10", null},
            // a 12x12 decoder (output_padding makes it chain) on the 8x8 digits
            {DECODER.replace("[4, 4, 4]", "[4, 6, 6]").replace("[8, 2, 2]", "[8, 3, 3]").replace("[1, 8, 8]", "[1, 12, 12]"),
                "target node 'image' is the image; it has shape 1x12x12, but digits samples are 1x8x8", null},
        };
        for (String[] c : cases) {
            Path spec = tmp.resolve("bad-" + Math.abs(c[0].hashCode()) + ".yaml");
            Files.writeString(spec, c[0]);
            CliRunner.Result r = CliRunner.run("train", "--graph", spec.toString(), "--mode", "generative", "--dataset",
                    "digits", "--epochs", "0", "--out", tmp.resolve("bad").toString(), "--overwrite");
            assertNotEquals(0, r.code(), c[0]);
            assertEquals(1, r.err().trim().lines().count(), r.err());
            assertTrue(r.err().contains(c[1]), r.err());
            if (c[2] != null) {
                assertTrue(r.err().contains(c[2]), r.err());
            }
        }
        Path spec = tmp.resolve("ok.yaml");
        Files.writeString(spec, DECODER);
        CliRunner.Result r = CliRunner.run("train", "--graph", spec.toString(), "--mode", "generative", "--dataset",
                "digits", "--algorithm", "bp", "--epochs", "0", "--out", tmp.resolve("bp").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--algorithm pc or ipc"), r.err());
        assertEquals(1, r.err().trim().lines().count(), r.err());
    }

    /** The unknown pixels' MSE (JSON hidden_mse on [0, 1] pixels: raw / 16) of a completion of the test split. */
    private static double hiddenMse(String clamp, int steps, String start, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("complete", "--model", model, "--cues", testImages.toString(),
                "--clamp", clamp, "--inference-steps", String.valueOf(steps), "--image-start", start, "--truth",
                testImages.toString(), "--pixel-max", "16", "--threads", "1", "--out",
                tmp.resolve("c-" + clamp + steps + start + more.length + ".idx").toString()));
        args.addAll(List.of(more));
        CliRunner.Result r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        String json = r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        Map<String, Object> o = Json.parseObject(json);
        return ((Number) o.get("hidden_mse")).doubleValue();
    }

    private static float[] topDown(PcModel m) {
        org.pcn4j.graph.Graph g = (org.pcn4j.graph.Graph) m;
        Node image = g.node("image");
        Node label = g.node("label");
        org.pcn4j.train.Inference t = new org.pcn4j.train.Inference(g.network(),
                org.pcn4j.train.InferenceConfig.builder().steps(0).build());
        return org.pcn4j.graph.Generative.generate(t, image, label, 3, 1, 0);
    }

    private static double[][] classMeans() {
        double[][] means = new double[10][64];
        int[] counts = new int[10];
        float[] row = new float[64];
        for (int i = 0; i < trainSplit.size(); i++) {
            trainSplit.features(i, row, 0);
            int c = trainSplit.label(i);
            counts[c]++;
            for (int j = 0; j < 64; j++) {
                means[c][j] += row[j];
            }
        }
        for (int c = 0; c < 10; c++) {
            for (int j = 0; j < 64; j++) {
                means[c][j] /= counts[c];
            }
        }
        return means;
    }

    private static int nearest(double[][] means, byte[] px, int at) {
        int best = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < means.length; k++) {
            double dist = 0;
            for (int j = 0; j < 64; j++) {
                double d = (px[at + j] & 0xFF) - means[k][j];
                dist += d * d;
            }
            if (dist < bestD) {
                bestD = dist;
                best = k;
            }
        }
        return best;
    }
}

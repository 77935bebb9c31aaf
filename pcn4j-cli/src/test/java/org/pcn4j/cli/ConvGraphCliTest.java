package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.util.Json;
import org.pcn4j.io.SafeTensors;

/** Issue 13's contract conv graph through the CLI: it trains as written, saves, evaluates, shows; bad input fails in one line. */
class ConvGraphCliTest {
    /** The contract YAML of issue 13, exactly as written there (also examples/conv.yaml). */
    static final String CONTRACT = """
            nodes:
              - {name: image, shape: [1, 28, 28], role: input}
              - {name: c1, shape: [32, 14, 14]}
              - {name: c2, shape: [64, 7, 7]}
              - {name: label, size: 10, role: target}
            edges:
              - {from: image, to: c1, op: conv2d, kernel: 3, stride: 1, padding: 1, pool: max, pool_size: 2, activation: relu}
              - {from: c1, to: c2, op: conv2d, kernel: 3, padding: 1, pool: max, pool_size: 2, activation: relu}
              - {from: c2, to: label}        # op: dense is the default; flattens c2
            """;

    @TempDir
    Path dir;
    Path folder;

    /** A 28x28 greyscale image folder: 10 classes, 3 training and 1 test image each (class c is a bright band at row 2c). */
    @BeforeEach
    void fixture() throws IOException {
        folder = dir.resolve("images");
        SplittableRandom rng = new SplittableRandom(3);
        for (String split : new String[] {"train", "test"}) {
            for (int c = 0; c < 10; c++) {
                Path d = folder.resolve(split).resolve("class" + c);
                Files.createDirectories(d);
                for (int i = 0; i < (split.equals("train") ? 3 : 1); i++) {
                    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            int v = (y / 2 == c + 2 ? 200 : 20) + rng.nextInt(40);
                            img.getRaster().setSample(x, y, 0, v);
                        }
                    }
                    ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theContractGraphTrainsSavesAndEvaluates() throws IOException {
        Path g = write("conv.yaml", CONTRACT);
        assertEquals(CONTRACT.strip(), Files.readString(Path.of("../examples/conv.yaml")).lines()
                .filter(l -> !l.startsWith("#")).reduce((a, b) -> a + "\n" + b).orElse("").strip());
        for (String alg : new String[] {"pc", "bp", "ipc", "pc-nudge"}) {
            Path out = dir.resolve("run-" + alg);
            CliRunner.Result r = CliRunner.run("train", "--graph", g.toString(), "--dataset", "imagefolder:" + folder,
                    "--algorithm", alg, "--epochs", "1", "--batch-size", "10", "-T", "4", "--seed", "2", "--quiet",
                    "--no-plots", "--threads", "1", "--out", out.toString());
            assertEquals(0, r.code(), alg + ": " + r.err());
            // The epoch's line (ipc's divergence guard may write a rollback event before it).
            Map<String, Object> m = Json.parseObject(Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                    .filter(l -> l.contains("\"test_accuracy\"")).reduce((a, b) -> b).orElseThrow());
            SafeTensors.Contents c = SafeTensors.read(out.resolve("model.safetensors"));
            assertArrayEquals(new int[] {32, 1, 3, 3}, c.get("edges.image->c1.weight").shape());
            assertArrayEquals(new int[] {64, 32, 3, 3}, c.get("edges.c1->c2.weight").shape());
            assertArrayEquals(new int[] {64}, c.get("edges.c1->c2.bias").shape());
            assertArrayEquals(new int[] {10, 64 * 7 * 7}, c.get("edges.c2->label.weight").shape());
            assertTrue(c.metadata().get("graph").contains("\"shape\":[1,28,28]"), c.metadata().get("graph"));
            CliRunner.Result e = CliRunner.run("eval", "--model", out.resolve("model.safetensors").toString(),
                    "--dataset", "imagefolder:" + folder, "--threads", "1");
            assertEquals(0, e.code(), e.err());
            Object trained = m.get("test_accuracy");
            Object evaluated = Json.parseObject(e.out().trim()).get("test_accuracy");
            assertTrue(trained instanceof Number && evaluated instanceof Number, m + " / " + e.out());
            assertEquals(((Number) trained).doubleValue(), ((Number) evaluated).doubleValue(), 1e-12, alg);
        }
        CliRunner.Result s = CliRunner.run("graph", "show", g.toString(), "--no-png");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("c1     32x14x14"), s.out());
        assertTrue(s.out().contains("18,496  conv2d kernel=3 padding=1 pool=max pool_size=2"), s.out());
        assertTrue(s.out().contains("50,186 parameters"), s.out());
        Path dot = dir.resolve("g.dot");
        assertEquals(0, CliRunner.run("graph", "show", g.toString(), "--no-png", "--dot", dot.toString()).code());
        assertTrue(Files.readString(dot).contains("conv2d kernel=3 stride=1 padding=1 pool=max pool_size=2, 320 parameters"));
    }

    private static void assertOneLineError(CliRunner.Result r, String expected) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void badConvInputIsAOneLineErrorWithANonZeroExit() throws IOException {
        Path g = write("conv.yaml", CONTRACT);
        assertOneLineError(CliRunner.run("train", "--graph", g.toString(), "--dataset", "digits", "--out",
                dir.resolve("a").toString()), "input node 'image' has shape 1x28x28, but digits samples are 1x8x8 images");
        String[][] cases = {
            {CONTRACT.replace("c2, shape: [64, 7, 7]", "c2, shape: [64, 8, 8]"),
                "edge c1->c2: conv2d 32x14x14 -> 64x14x14 (kernel 3x3, stride 1x1, padding 1x1) with max pool gives 64x7x7 from c1 32x14x14, but node c2 is 64x8x8"},
            {CONTRACT.replace("kernel: 3, stride: 1, padding: 1", "kernel: 31, stride: 1, padding: 1"),
                "edge image->c1: kernel 31x31 is larger than the input 1x28x28"},
            {CONTRACT.replace("c2, shape: [64, 7, 7]", "c2, shape: [64, 4, 4]").replace(
                    "{from: c1, to: c2, op: conv2d, kernel: 3, padding: 1, pool: max, pool_size: 2",
                    "{from: c1, to: c2, op: conv2d, kernel: 3, padding: 1, pool: max, pool_size: 3"),
                "edge c1->c2: pool_size 3x3 does not divide the conv output 64x14x14"},
        };
        for (String[] c : cases) {
            Path bad = write("bad.yaml", c[0]);
            assertOneLineError(CliRunner.run("train", "--graph", bad.toString(), "--dataset", "imagefolder:" + folder,
                    "--out", dir.resolve("b").toString()), c[1]);
            assertOneLineError(CliRunner.run("graph", "show", bad.toString(), "--no-png"), c[1].substring(0, 12));
        }
    }
}

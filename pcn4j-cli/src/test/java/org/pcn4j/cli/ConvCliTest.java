package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.util.Json;

/** The CLI side of issue 13's building blocks: image datasets in data info, train --augment, bench conv. */
class ConvCliTest {
    @TempDir
    Path dir;

    @Test
    void dataInfoReadsCifar10BinaryFilesAndAnImageFolder() throws IOException {
        Path c = dir.resolve("cifar");
        Files.createDirectories(c);
        String[] names = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin", "test_batch.bin"};
        for (int f = 0; f < names.length; f++) {
            byte[] b = new byte[2 * 3073];
            b[0] = (byte) f;
            b[3073] = 9;
            b[1] = (byte) 200;
            Files.write(c.resolve(names[f]), b);
        }
        CliRunner.Result r = CliRunner.run("data", "info", "--dataset", "cifar10", "--data-dir", c.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(r.out().trim());
        assertEquals("cifar10", j.get("dataset"));
        assertEquals(java.util.List.of(3.0, 32.0, 32.0), ((java.util.List<?>) j.get("shape")).stream()
                .map(v -> ((Number) v).doubleValue()).toList());
        Path g = dir.resolve("folder");
        for (String cls : new String[] {"b", "a"}) {
            Files.createDirectories(g.resolve("train").resolve(cls));
            BufferedImage img = new BufferedImage(6, 5, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(1, 1, 0, 99);
            ImageIO.write(img, "png", g.resolve("train").resolve(cls).resolve("x.png").toFile());
        }
        r = CliRunner.run("data", "info", "--dataset", "imagefolder:" + g, "--normalize", "standardize_channels");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sample shape   1x5x6"), r.out());
        assertTrue(r.out().contains("standardize_channels: per channel, mean ["), r.out());
        Files.createDirectories(g.resolve("train").resolve("c"));
        r = CliRunner.run("data", "info", "--dataset", "imagefolder:" + g);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has no .png or .jpg images"), r.err());
        assertEquals(1, r.err().trim().lines().count(), r.err());
    }

    @Test
    void trainAcceptsAugmentAndRecordsIt() throws IOException {
        Path out = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--dataset", "digits", "--augment", "crop:1,flip", "--max-steps", "2",
                "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String cfg = Files.readString(findConfig(out));
        assertTrue(cfg.contains("crop:1,flip"), cfg);
        r = CliRunner.run("train", "--dataset", "digits", "--augment", "rotate", "--out", dir.resolve("bad").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("augment: unknown transform 'rotate'"), r.err());
    }

    private static Path findConfig(Path run) throws IOException {
        try (var s = Files.walk(run)) {
            return s.filter(p -> p.getFileName().toString().startsWith("config")).findFirst()
                    .orElseThrow(() -> new AssertionError("no config file in " + run));
        }
    }

    @Test
    void benchConvPrintsOneJsonLinePerShapeThreadAndOp() {
        CliRunner.Result r = CliRunner.run("bench", "conv", "--json", "--quick", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        Pattern line = Pattern.compile("\\{\"batch\":2,\"in\":\\d+,\"out\":\\d+,\"size\":\\d+,\"threads\":[12],"
                + "\"op\":\"(gemm|forward|adjoint|weightgrad)\",\"gflops\":[0-9.]+\\}");
        long n = r.out().trim().lines().peek(l -> assertTrue(line.matcher(l).matches(), l)).count();
        assertEquals(BenchConvCommand.SHAPES.length * 2 * 4, n);
    }

    @Test
    void benchConvShapesAreTheOnesAskedFor() {
        CliRunner.Result r = CliRunner.run("bench", "conv", "--json", "--quick", "--threads", "1", "--shapes", "2-3@5,4-2@6");
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = r.out().trim().lines().collect(java.util.stream.Collectors.toList());
        assertEquals(2 * 4, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("{\"batch\":2,\"in\":2,\"out\":3,\"size\":5,\"threads\":1,\"op\":\"gemm\""), lines.get(0));
        assertTrue(lines.get(7).startsWith("{\"batch\":2,\"in\":4,\"out\":2,\"size\":6,\"threads\":1,\"op\":\"weightgrad\""),
                lines.get(7));
        CliRunner.Result bad = CliRunner.run("bench", "conv", "--quick", "--shapes", "32x64@16");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--shapes: '32x64@16' is not IN-OUT@SIZE (e.g. 32-64@16)"), bad.err());
    }

    /** bench step --graph: PC and BP steps of a conv graph file; PC's T inference steps do more products. */
    @Test
    void benchStepTimesAGraphFile() throws IOException {
        Path g = Files.createTempDirectory("bench-graph").resolve("tiny-conv.yaml");
        Files.writeString(g, String.join("\n",
                "nodes:",
                "  - {name: image, shape: [1, 6, 6], role: input}",
                "  - {name: c1, shape: [2, 3, 3]}",
                "  - {name: label, size: 3, role: target}",
                "edges:",
                "  - {from: image, to: c1, op: conv2d, kernel: 3, padding: 1, pool: max, pool_size: 2, activation: relu}",
                "  - {from: c1, to: label}", ""));
        CliRunner.Result r = CliRunner.run("bench", "step", "--graph", g.toString(), "-T", "3", "--seconds", "0.05",
                "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        java.util.List<Map<String, Object>> rows = r.out().trim().lines().map(org.pcn4j.util.Json::parseObject)
                .collect(java.util.stream.Collectors.toList());
        assertEquals(2, rows.size(), r.out());
        assertEquals("tiny-conv.yaml", rows.get(0).get("model"));
        assertEquals("pc", rows.get(0).get("algorithm"));
        assertEquals("bp", rows.get(1).get("algorithm"));
        double pc = ((Number) rows.get(0).get("mflop")).doubleValue();
        double bp = ((Number) rows.get(1).get("mflop")).doubleValue();
        assertTrue(pc > bp && bp > 0, pc + " vs " + bp);
        assertTrue(((Number) rows.get(0).get("step_us")).doubleValue() > 0, rows.toString());
    }

    /** examples/vgg-cifar.yaml builds with the shapes and parameter count its header states. */
    @Test
    void theVggExampleHasTheStatedShapesAndParameters() throws IOException {
        Path yaml = Path.of("../examples/vgg-cifar.yaml");
        assertTrue(Files.readString(yaml).contains("# 245,962 parameters; 12.7 M multiply-adds"));
        CliRunner.Result r = CliRunner.run("graph", "show", yaml.toString(), "--no-png");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("245,962 parameters"), r.out());
        assertTrue(r.out().contains("image   3x32x32  input"), r.out());
        assertTrue(r.out().contains("c4      128x2x2  hidden"), r.out());
        assertTrue(r.out().contains("147,584  conv2d kernel=3 padding=1 pool=max pool_size=2"), r.out());
    }

    /** examples/conv-h256.yaml (the Fashion-MNIST benchmark CNN) builds with the parameter count its header states. */
    @Test
    void theFashionBenchmarkCnnHasTheStatedParameters() throws IOException {
        Path yaml = Path.of("../examples/conv-h256.yaml");
        assertTrue(Files.readString(yaml).contains(" 824,458 parameters."));
        CliRunner.Result r = CliRunner.run("graph", "show", yaml.toString(), "--no-png");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("parameters: 824,458"), r.out());
        assertTrue(r.out().contains("803,072"), r.out());
    }
}

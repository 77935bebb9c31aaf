package org.pcn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The comparator's output contract (bench gemm --json's format) and that both sides compute the same C. */
class GemmVsOpenBlasTest {
    private static final Pattern LINE = Pattern.compile(
            "\\{\"m\":(\\d+),\"k\":(\\d+),\"n\":(\\d+),\"threads\":(\\d+),\"kernel\":\"(pcn4j|pcn4j-4x2|openblas)\",\"gflops\":([0-9.]+)\\}");

    @Test
    void jsonRowsForPcn4jAndOpenBlasAtOneAndTwoThreads() {
        // The pom brings OpenBLAS's natives for linux-x86_64 only.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "OpenBLAS natives are bundled for linux-x86_64 only");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = GemmVsOpenBlas.run(new String[] {"--json", "--quick", "--threads", "2", "--shapes", "33x70x41,64x128x96",
            "--kernels", "auto,4x2", "--rounds", "3"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, "pcn4j and OpenBLAS must agree on C");
        List<String> seen = new ArrayList<>();
        for (String line : buf.toString(StandardCharsets.UTF_8).trim().split("\n")) {
            Matcher mt = LINE.matcher(line.trim());
            assertTrue(mt.matches(), "not a contract line: " + line);
            assertTrue(Double.parseDouble(mt.group(6)) > 0, line);
            seen.add(mt.group(1) + "x" + mt.group(2) + "x" + mt.group(3) + "," + mt.group(4) + "," + mt.group(5));
        }
        for (String shape : new String[] {"33x70x41", "64x128x96"}) {
            for (String t : new String[] {"1", "2"}) {
                for (String kernel : new String[] {"pcn4j", "pcn4j-4x2", "openblas"}) {
                    assertTrue(seen.contains(shape + "," + t + "," + kernel), shape + " " + t + " " + kernel + " in " + seen);
                }
            }
        }
        assertEquals(12, seen.size());
    }

    /** Every layout: the comparator exits 0 only when pcn4j's and OpenBLAS's C agree (narrow shapes included). */
    @Test
    void everyLayoutComputesTheSameProductOnBothSides() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "OpenBLAS natives are bundled for linux-x86_64 only");
        for (String layout : new String[] {"nn", "nt", "tn", "tt"}) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int rc = GemmVsOpenBlas.run(new String[] {"--json", "--quick", "--threads", "1", "--shapes", "64x96x10,40x70x33",
                "--layout", layout, "--rounds", "2", "--warmup", "0.1"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, rc, "layout " + layout);
            assertEquals(4, buf.toString(StandardCharsets.UTF_8).trim().split("\n").length, layout);
        }
        assertEquals(2, GemmVsOpenBlas.run(new String[] {"--layout", "tx"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)));
    }

    @Test
    void unknownOptionIsExitCodeTwo() {
        assertEquals(2, GemmVsOpenBlas.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)));
    }
}

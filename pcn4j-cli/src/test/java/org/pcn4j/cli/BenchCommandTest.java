package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    private static final Pattern LINE = Pattern.compile(
            "\\{\"m\":(\\d+),\"k\":(\\d+),\"n\":(\\d+),\"threads\":(\\d+),\"kernel\":\"(pcn4j|naive)\",\"gflops\":([0-9.]+)\\}");

    private static String run(String... args) {
        CommandLine cl = Main.newCommandLine(false);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(args));
        return out.toString();
    }

    /** The --json contract: one object per line, exactly these keys in this order. */
    @Test
    void gemmJsonLines() {
        String out = run("bench", "gemm", "--json", "--quick", "--threads", "2");
        List<String> seen = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher mt = LINE.matcher(line.trim());
            assertTrue(mt.matches(), "not a contract line: " + line);
            assertTrue(Double.parseDouble(mt.group(6)) > 0);
            seen.add(mt.group(1) + "," + mt.group(2) + "," + mt.group(3) + "," + mt.group(4) + "," + mt.group(5));
        }
        for (int[] s : BenchCommand.SHAPES) {
            String shape = s[0] + "," + s[1] + "," + s[2];
            assertTrue(seen.contains(shape + ",1,pcn4j"), shape);
            assertTrue(seen.contains(shape + ",2,pcn4j"), shape);
            assertTrue(seen.contains(shape + ",1,naive"), shape);
        }
        assertEquals(3 * BenchCommand.SHAPES.length, seen.size());
    }
}

package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;

/**
 * The fuzz contract for the CLI's parsers (as core's {@code org.pcn4j.fuzz.Fuzz}, which the CLI's
 * tests cannot see): every generated file is accepted, or refused with a one-line
 * {@link PcnException} of at most {@link #MAX_MESSAGE} characters that names the file; any other
 * exception fails the test with the case's name. Seeded generators.
 */
final class CliFuzz {
    static final int MAX_MESSAGE = 1000;

    interface Parser {
        void parse(Path file) throws Exception;
    }

    private final String parser;
    private final Path dir;
    private int cases;
    private int accepted;
    private int refused;

    CliFuzz(String parser, Path dir) {
        this.parser = parser;
        this.dir = dir;
    }

    void check(String caseName, String fileName, String text, Parser p) {
        check(caseName, fileName, text.getBytes(StandardCharsets.UTF_8), p);
    }

    void check(String caseName, String fileName, byte[] content, Parser p) {
        Path f = dir.resolve(fileName);
        try {
            Files.write(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        check(caseName, f, p);
    }

    void check(String caseName, Path f, Parser p) {
        cases++;
        try {
            p.parse(f);
            accepted++;
        } catch (PcnException e) {
            String m = e.getMessage();
            String where = parser + " case '" + caseName + "': ";
            assertTrue(m != null && !m.isBlank(), where + "empty message");
            assertTrue(m.indexOf('\n') < 0 && m.indexOf('\r') < 0, where + "not one line: " + cut(m));
            assertTrue(m.length() <= MAX_MESSAGE, where + "message of " + m.length() + " chars: " + cut(m));
            assertTrue(m.contains(f.getFileName().toString()), where + "does not name the file: " + cut(m));
            refused++;
        } catch (Throwable t) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            fail(parser + " case '" + caseName + "' threw " + t.getClass().getName() + " (not a PcnException): " + sw);
        }
    }

    String report() {
        String s = parser + ": " + cases + " cases, " + accepted + " accepted, " + refused + " refused";
        System.out.println("fuzz " + s);
        return s;
    }

    int cases() {
        return cases;
    }

    int accepted() {
        return accepted;
    }

    int refused() {
        return refused;
    }

    private static String cut(String m) {
        return m.length() <= 300 ? m : m.substring(0, 300) + "...";
    }

    /** Every proper prefix of {@code text}, by character. */
    static List<String> truncations(String text) {
        List<String> out = new ArrayList<>();
        for (int n = 0; n < text.length(); n++) {
            out.add(text.substring(0, n));
        }
        return out;
    }

    /** {@code count} copies of {@code valid} with 1..3 random bytes replaced. */
    static List<byte[]> randomFlips(byte[] valid, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            byte[] b = valid.clone();
            int n = 1 + r.nextInt(3);
            for (int j = 0; j < n; j++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            out.add(b);
        }
        return out;
    }

    /**
     * A YAML alias tree: {@code levels} anchors of {@code width} references each, defined inside the
     * one value (so no extra key is needed); expands to width^levels leaves from a few hundred bytes.
     */
    static String aliasTree(int levels, int width) {
        StringBuilder sb = new StringBuilder("[&a0 [");
        for (int i = 0; i < width; i++) {
            sb.append(i == 0 ? "" : ", ").append("lol");
        }
        sb.append("]");
        for (int l = 1; l <= levels; l++) {
            sb.append(", &a").append(l).append(" [");
            for (int i = 0; i < width; i++) {
                sb.append(i == 0 ? "" : ", ").append("*a").append(l - 1);
            }
            sb.append("]");
        }
        return sb.append("]").toString();
    }

    /** Creates a FIFO with mkfifo, or null where that is not possible. */
    static Path fifo(Path dir, String name) {
        Path p = dir.resolve(name);
        try {
            Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            return pr.waitFor() == 0 && Files.exists(p) ? p : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

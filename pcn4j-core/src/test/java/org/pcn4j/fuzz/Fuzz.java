package org.pcn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.pcn4j.PcnException;

/**
 * The fuzz suite's contract, shared by every parser's fuzz test: each generated input is either
 * accepted, or refused with a {@link PcnException} whose message is one line (no CR or LF), at
 * most {@link #MAX_MESSAGE} characters, and names the file; any other exception type fails the
 * test with the case that caused it. Generators are seeded, so a failure is reproducible by name.
 * Each test prints its tally (cases, accepted, refused), which docs/reliability.md reports.
 */
public final class Fuzz {
    /** A message quotes at most ~200 characters of a value; with the file name and context it stays well below this. */
    public static final int MAX_MESSAGE = 1000;

    private final String parser;
    private final Path dir;
    private int cases;
    private int accepted;
    private int refused;

    public Fuzz(String parser, Path dir) {
        this.parser = parser;
        this.dir = dir;
    }

    /** Something that parses a file. */
    @FunctionalInterface
    public interface Parser {
        void parse(Path file) throws Exception;
    }

    /** Writes {@code content} to a fresh file named like {@code fileName} and runs {@code p} on it. */
    public void check(String caseName, String fileName, byte[] content, Parser p) {
        Path f = dir.resolve(fileName); // overwritten case after case: thousands of files would slow the folder
        try {
            Files.write(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        check(caseName, f, p);
    }

    /** Runs {@code p} on an existing file (FIFOs, folders). */
    private final java.util.TreeMap<Long, String> slow = new java.util.TreeMap<>();

    public void check(String caseName, Path f, Parser p) {
        cases++;
        long t0 = System.nanoTime();
        try {
            check0(caseName, f, p);
        } finally {
            slow.put(System.nanoTime() - t0, caseName);
            while (slow.size() > 5) {
                slow.pollFirstEntry();
            }
        }
    }

    private void check0(String caseName, Path f, Parser p) {
        try {
            p.parse(f);
            accepted++;
        } catch (PcnException e) {
            String m = e.getMessage();
            String where = parser + " case '" + caseName + "': ";
            assertTrue(m != null && !m.isBlank(), where + "empty message");
            assertTrue(m.indexOf('\n') < 0 && m.indexOf('\r') < 0, where + "message is not one line: " + cut(m));
            assertTrue(m.length() <= MAX_MESSAGE, where + "message of " + m.length() + " chars: " + cut(m));
            assertTrue(m.contains(f.getFileName().toString()), where + "message does not name the file: " + m);
            refused++;
        } catch (Throwable t) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            fail(parser + " case '" + caseName + "' threw " + t.getClass().getName() + " (not a PcnException): " + sw);
        }
    }

    /** Prints and returns the tally: "PARSER: N cases, A accepted, R refused". */
    public String report() {
        String s = parser + ": " + cases + " cases, " + accepted + " accepted, " + refused + " refused";
        System.out.println("fuzz " + s + " (slowest cases, ns: " + slow + ")");
        return s;
    }

    public int cases() {
        return cases;
    }

    public int accepted() {
        return accepted;
    }

    public int refused() {
        return refused;
    }

    private static String cut(String m) {
        return m.length() <= 300 ? m : m.substring(0, 300) + "...";
    }

    // ---------------------------------------------------------------- generators

    /** Every proper prefix of {@code valid}: lengths 0 .. length-1. */
    public static List<byte[]> truncations(byte[] valid) {
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < valid.length; n++) {
            out.add(java.util.Arrays.copyOf(valid, n));
        }
        return out;
    }

    /** {@code valid} with byte i XORed by {@code mask}, for every i. */
    public static List<byte[]> flips(byte[] valid, int mask) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < valid.length; i++) {
            byte[] b = valid.clone();
            b[i] ^= (byte) mask;
            out.add(b);
        }
        return out;
    }

    /** {@code count} copies of {@code valid}, each with 1..4 random bytes set to random values. */
    public static List<byte[]> randomFlips(byte[] valid, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            byte[] b = valid.clone();
            int n = 1 + r.nextInt(4);
            for (int j = 0; j < n && b.length > 0; j++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            out.add(b);
        }
        return out;
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(raw);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Creates a FIFO with mkfifo, or returns null where there is none (then the FIFO cases are skipped). */
    public static Path fifo(Path dir, String name) {
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

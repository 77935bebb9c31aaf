package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Config files (--config), YAML and JSON, applied to a command with options of every kind:
 * truncations, byte flips, values of the wrong type, hostile numbers, alias trees. Accepted files
 * must then parse: a wrong-typed value is refused by the config check naming the file, not left
 * for picocli to report without it.
 */
class ConfigFuzzTest {
    @TempDir
    Path tmp;

    enum Mode { FAST, SLOW }

    @Command(name = "train")
    static class Cmd implements Runnable {
        @Option(names = "--epochs", defaultValue = "10")
        int epochs;

        @Option(names = "--steps", defaultValue = "5")
        long steps;

        @Option(names = "--lr", defaultValue = "0.01")
        double lr;

        @Option(names = "--rate")
        Float rate;

        @Option(names = "--sizes", split = ",")
        List<Integer> sizes;

        @Option(names = "--quiet")
        boolean quiet;

        @Option(names = "--name", defaultValue = "run")
        String name;

        @Option(names = "--out")
        Path out;

        @Option(names = "--config")
        Path config;

        @Override
        public void run() {}
    }

    /** Applies the config, then parses an empty command line against its defaults. */
    private static final CliFuzz.Parser APPLY = file -> {
        CommandLine cl = new CommandLine(new Cmd());
        Config.apply(cl, file);
        cl.parseArgs();
    };

    static final String VALID = "epochs: 3\nsteps: 100\nlr: 0.001\nrate: 0.5\nsizes: [4, 3, 2]\nquiet: true\n"
            + "name: first\nout: runs/a\n";
    static final String VALID_JSON = "{\"epochs\": 3, \"batch_size_unused\": null, \"lr\": 1e-3, \"sizes\": [4, 3],"
            + " \"quiet\": false, \"name\": \"x\"}";

    static final String[] KEYS = {"epochs", "steps", "lr", "rate", "sizes", "quiet", "name", "out"};
    static final String[] HOSTILE = {"x", "-1", "0", "1.5", "1.0e9", "1000000000", "4294967360", "99999999999999999999",
        "[1]", "[1, 2]", "[[1]]", "{a: 1}", "null", "~", "true", "false", ".nan", ".inf", "!!binary aGk=", "''",
        "'" + "z".repeat(5000) + "'", "1e400", "-0", "0x10", "1_000", "!!timestamp 2001-12-14", "[x, y]", "'1'",
        "'true'", "yes"};

    private static String with(String key, String value) {
        StringBuilder sb = new StringBuilder();
        for (String line : VALID.split("\n")) {
            sb.append(line.startsWith(key + ":") ? key + ": " + value : line).append('\n');
        }
        return sb.toString();
    }

    @Test
    void everyGeneratedConfigFileIsAcceptedOrRefusedWithOneLineNamingIt() {
        CliFuzz f = new CliFuzz("config YAML/JSON", tmp);
        f.check("valid yaml", "c.yaml", VALID, APPLY);
        f.check("valid json", "c.json", VALID_JSON.replace("\"batch_size_unused\": null, ", ""), APPLY);
        assertEquals(2, f.accepted());
        int k = 0;
        for (String t : CliFuzz.truncations(VALID)) {
            f.check("yaml truncated at " + k++, "c.yaml", t, APPLY);
        }
        k = 0;
        for (String t : CliFuzz.truncations(VALID_JSON)) {
            f.check("json truncated at " + k++, "c.json", t, APPLY);
        }
        for (byte[] b : CliFuzz.randomFlips(VALID.getBytes(StandardCharsets.UTF_8), 300, 41)) {
            f.check("yaml random flips", "c.yaml", b, APPLY);
        }
        for (byte[] b : CliFuzz.randomFlips(VALID_JSON.getBytes(StandardCharsets.UTF_8), 300, 42)) {
            f.check("json random flips", "c.json", b, APPLY);
        }
        String tree = CliFuzz.aliasTree(4, 10);
        for (String key : KEYS) {
            for (String v : HOSTILE) {
                f.check(key + " = " + v.substring(0, Math.min(30, v.length())), "c.yaml", with(key, v), APPLY);
            }
            f.check(key + " = alias tree", "c.yaml", with(key, tree), APPLY);
        }
        String[] whole = {"", "# comment only\n", "[1, 2]", "3", "x", "help: true", "config: other.yaml",
            "epoch: 3", "Epochs: 3", "epochs: 1\nepochs: 2\n", "epochs: 1\nepochs_: 2\n", "batch_size: 1\nbatch-size: 2\n",
            "!!java.lang.ProcessBuilder [x]", "epochs: !!java.io.File [/]", "? [a, b]\n: 1\n", "1: 2",
            "[".repeat(2000), "x: " + "[".repeat(60) + "]".repeat(60), "epochs: &x [*x]", "\u0000", "\tepochs: 1",
            "epochs: " + tree, "{\"epochs\": " + "[".repeat(600) + "]".repeat(600) + "}"};
        k = 0;
        for (String w : whole) {
            f.check("yaml document " + k++, "w.yaml", w, APPLY);
        }
        f.check("json deep", "d.json", "[".repeat(100_000), APPLY);
        f.check("no extension", "c.txt", VALID, APPLY);
        f.check("a folder named .yaml", mkdir("dir.yaml"), APPLY);
        Path fifo = CliFuzz.fifo(tmp, "fifo.yaml");
        if (fifo != null) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.check("a FIFO", fifo, APPLY));
        }
        String tally = f.report();
        assertTrue(f.cases() > 800 && f.accepted() > 2 && f.refused() > 0, tally);
    }

    private Path mkdir(String name) {
        try {
            return Files.createDirectories(tmp.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWrongTypeIsRefusedNamingTheFileAndKey() throws Exception {
        Path p = Files.writeString(tmp.resolve("typed.yaml"), with("epochs", "ten"));
        String m = assertThrows(PcnException.class, () -> APPLY.parse(p)).getMessage();
        assertTrue(m.contains("typed.yaml") && m.contains("key 'epochs' must be an integer that fits 32 bits")
                && m.contains("'ten'"), m);
        Path q = Files.writeString(tmp.resolve("big.yaml"), with("epochs", "4294967360"));
        m = assertThrows(PcnException.class, () -> APPLY.parse(q)).getMessage();
        assertTrue(m.contains("big.yaml") && m.contains("epochs"), m);
    }
}

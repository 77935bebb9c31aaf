package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ConfigTest {
    @TempDir
    Path dir;

    @Command(name = "train", mixinStandardHelpOptions = true)
    static class Train implements Runnable {
        @Option(names = "--epochs", defaultValue = "10")
        int epochs;

        @Option(names = {"-b", "--batch-size"}, defaultValue = "32")
        int batchSize;

        @Option(names = "--lr", defaultValue = "0.01")
        double lr;

        @Option(names = "--layers", split = ",")
        List<Integer> layers;

        @Option(names = "--tags")
        List<String> tags;

        @Option(names = "--shuffle", negatable = true, defaultValue = "true", fallbackValue = "true")
        boolean shuffle;

        @Option(names = "--name", defaultValue = "run")
        String name;

        @Option(names = "--config")
        Path config;

        @Override
        public void run() {}
    }

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String error(Runnable r) {
        String m = assertThrows(PcnException.class, r::run).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }

    /** Applies {@code config} to a fresh Train command and parses {@code args}. */
    private static Train parse(Path config, String... args) {
        Train t = new Train();
        CommandLine cl = new CommandLine(t);
        Config.apply(cl, config);
        cl.parseArgs(args);
        return t;
    }

    @Test
    void loadsYamlWithNormalizedKeysInOrder() throws IOException {
        Path f = file("c.yaml", "# a comment\nepochs: 3\nbatch_size: 64\nlr: 1.0e-3\nlayers: [784, 256, 10]\nname: \"a b\"\n"
                + "shuffle: false\n");
        Map<String, Object> c = Config.load(f);
        assertEquals(List.of("epochs", "batch-size", "lr", "layers", "name", "shuffle"), new ArrayList<>(c.keySet()));
        assertEquals(3, c.get("epochs"));
        assertEquals(0.001, c.get("lr"));
        assertEquals(List.of(784, 256, 10), c.get("layers"));
        assertEquals(false, c.get("shuffle"));
    }

    @Test
    void loadsJson() throws IOException {
        Path f = file("c.json", "{\"batch_size\": 8, \"lr\": 1e-4, \"layers\": [2, 3]}");
        Map<String, Object> c = Config.load(f);
        assertEquals(Map.of("batch-size", 8L, "lr", 1e-4, "layers", List.of(2L, 3L)), c);
        Train t = parse(f);
        assertEquals(8, t.batchSize);
        assertEquals(1e-4, t.lr);
        assertEquals(List.of(2, 3), t.layers);
    }

    @Test
    void emptyYamlIsAnEmptyConfig() throws IOException {
        assertEquals(Map.of(), Config.load(file("e.yml", "# nothing\n")));
        assertEquals(Map.of(), Config.load(file("E.YML", "")));
    }

    @Test
    void configValuesAreDefaultsAndTheCommandLineWins() throws IOException {
        Path f = file("c.yaml", "epochs: 3\nbatch_size: 64\nlr: 1e-3\nlayers: [784, 256, 10]\nshuffle: false\n"
                + "tags: solo\n");
        Train t = parse(f);
        assertEquals(3, t.epochs);
        assertEquals(64, t.batchSize);
        assertEquals(0.001, t.lr, 1e-12);
        assertEquals(List.of(784, 256, 10), t.layers);
        assertFalse(t.shuffle);
        assertEquals(List.of("solo"), t.tags);
        assertEquals("run", t.name, "an absent key leaves the annotated default");

        t = parse(f, "--epochs", "5", "-b", "16", "--layers", "1,2", "--shuffle", "--lr=0.5");
        assertEquals(5, t.epochs);
        assertEquals(16, t.batchSize, "the short name of a configured option overrides it too");
        assertEquals(List.of(1, 2), t.layers);
        assertTrue(t.shuffle);
        assertEquals(0.5, t.lr);
    }

    @Test
    void optionsAbsentFromTheConfigKeepTheirAnnotatedDefaults() throws IOException {
        Train t = parse(file("c.yaml", "epochs: 7\n"));
        assertEquals(7, t.epochs);
        assertEquals(32, t.batchSize);
        assertEquals(0.01, t.lr);
        assertTrue(t.shuffle);
        assertNull(t.layers);
    }

    @Test
    void defaultsProviderAloneNormalizesKeys() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("batch_size", 5);
        config.put("tags", List.of("x"));
        Train t = new Train();
        CommandLine cl = new CommandLine(t);
        cl.setDefaultValueProvider(Config.defaults(config));
        cl.parseArgs();
        assertEquals(5, t.batchSize);
        assertEquals(List.of("x"), t.tags);
        assertEquals(10, t.epochs);
    }

    @Test
    void helpShowsConfigDefaults() throws IOException {
        Train t = new Train();
        CommandLine cl = new CommandLine(t);
        Config.apply(cl, file("c.yaml", "epochs: 42\n"));
        CommandLine.Model.OptionSpec epochs = cl.getCommandSpec().findOption("--epochs");
        assertEquals("42", epochs.defaultValueString());
    }

    @Test
    void unknownKeysAreErrorsNamingKeyAndFile() throws IOException {
        Path f = file("c.yaml", "epochs: 3\nbatch_sise: 64\n");
        String m = error(() -> parse(f));
        assertEquals("config file " + f + ": unknown key 'batch-sise' (no option --batch-sise in 'train'; did you mean "
                + "'batch-size'?)", m);
        Path g = file("d.yaml", "completely-different: 1\n");
        assertEquals("config file " + g + ": unknown key 'completely-different' (no option --completely-different in 'train')",
                error(() -> parse(g)));
        Path h = file("h.yaml", "b: 3\n");
        assertTrue(error(() -> parse(h)).contains("unknown key 'b'"), "short option names are not config keys");
    }

    @Test
    void keysThatCannotBeConfigured() throws IOException {
        Path f = file("c.yaml", "help: true\n");
        assertEquals("config file " + f + ": key 'help' cannot be set in a config file", error(() -> parse(f)));
        Path g = file("d.yaml", "config: other.yaml\n");
        assertTrue(error(() -> parse(g)).contains("key 'config' cannot be set"));
    }

    @Test
    void badValueKinds() throws IOException {
        Path f = file("c.yaml", "epochs: {a: 1}\n");
        assertEquals("config file " + f + ": key 'epochs' must have a single value or a list, not a mapping",
                error(() -> parse(f)));
        Path g = file("d.yaml", "epochs: [1, 2]\n");
        assertEquals("config file " + g + ": key 'epochs' takes a single value, not a list", error(() -> parse(g)));
        Path h = file("e.yaml", "tags: [a, b]\n");
        assertTrue(error(() -> parse(h)).contains("takes a single value"), "multi-value options need split=','");
        Path i = file("i.yaml", "layers: [[1], 2]\n");
        assertTrue(error(() -> parse(i)).contains("list of plain values"));
    }

    @Test
    void loadErrors() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertEquals("config file not found: " + missing, error(() -> Config.load(missing)));

        Path ext = file("c.toml", "a = 1");
        assertEquals("config file " + ext + ": unknown extension (use .yaml, .yml or .json)", error(() -> Config.load(ext)));

        Path syntax = file("s.yaml", "epochs: 3\nlr: [1, 2\nname: x\n");
        String m = error(() -> Config.load(syntax));
        assertTrue(m.startsWith("config file " + syntax + ": invalid YAML at line "), m);

        Path tab = file("t.yaml", "epochs: 3\n  lr: 1\n");
        assertTrue(error(() -> Config.load(tab)).contains("invalid YAML at line 2 column"));

        Path json = file("s.json", "{\n  \"epochs\": 3,\n}");
        assertEquals("config file " + json + ": invalid JSON at line 3 column 1: expected a string key but found '}'",
                error(() -> Config.load(json)));

        Path list = file("l.yaml", "- 1\n- 2\n");
        assertEquals("config file " + list + ": the top level must be a mapping of option names to values, not a list",
                error(() -> Config.load(list)));
        Path scalar = file("n.json", "3");
        assertTrue(error(() -> Config.load(scalar)).endsWith("not a number"));

        Path dup = file("dup.yaml", "epochs: 1\nepochs: 2\n");
        String d = error(() -> Config.load(dup));
        assertTrue(d.contains("invalid YAML at line 2") && d.contains("duplicate key"), d);

        Path dup2 = file("dup2.yaml", "batch_size: 1\nbatch-size: 2\n");
        assertEquals("config file " + dup2 + ": key 'batch-size' is given twice (as 'batch_size' and 'batch-size')",
                error(() -> Config.load(dup2)));

        Path intKey = file("k.yaml", "1: x\n");
        assertEquals("config file " + intKey + ": key 1 is not a string (quote it)", error(() -> Config.load(intKey)));

        Path utf = dir.resolve("u.yaml");
        Files.write(utf, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        assertEquals("config file " + utf + " is not valid UTF-8", error(() -> Config.load(utf)));

        Path unsafe = file("x.yaml", "epochs: !!java.io.File [\"/tmp\"]\n");
        assertTrue(error(() -> Config.load(unsafe)).startsWith("config file " + unsafe + ": invalid YAML"),
                "no arbitrary classes are built");
    }

    @Test
    void findsTheConfigOption() {
        assertEquals(Optional.of(Path.of("a.yaml")), Config.findConfigOption("train", "--config", "a.yaml", "--epochs", "3"));
        assertEquals(Optional.of(Path.of("b.json")), Config.findConfigOption("--config=b.json"));
        assertEquals(Optional.of(Path.of("c.yaml")), Config.findConfigOption("--config=b.json", "--config", "c.yaml"));
        assertEquals(Optional.empty(), Config.findConfigOption("train", "--epochs", "3"));
        assertEquals(Optional.empty(), Config.findConfigOption("--config"));
        assertEquals(Optional.empty(), Config.findConfigOption("--", "--config", "x.yaml"));
    }
}

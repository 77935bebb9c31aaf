package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.memory.PcMemory;
import picocli.CommandLine;

/**
 * The memory commands' options: defaults equal to the core's ({@code PcMemory.Config.defaults()},
 * {@code Recall.defaults()}), the flags train shares spelled and range-checked as train's are.
 */
class MemoryOptionsTest {
    private static MemoryCommand.MemoryOptions parsed(String... args) {
        MemoryCommand.Store s = new MemoryCommand.Store();
        String[] all = new String[args.length + 2];
        all[0] = "--out";
        all[1] = "x";
        System.arraycopy(args, 0, all, 2, args.length);
        new CommandLine(s).parseArgs(all);
        return s.memory;
    }

    @Test
    void defaultsEqualTheCore() {
        PcMemory.Config core = PcMemory.Config.defaults();
        PcMemory.Config cli = parsed().config();
        assertEquals(core.latent(), cli.latent());
        assertArrayEquals(core.hidden(), cli.hidden());
        assertEquals(core.activation(), cli.activation());
        assertEquals(core.epochs(), cli.epochs());
        assertEquals(core.inferenceSteps(), cli.inferenceSteps());
        assertEquals(core.stateLr(), cli.stateLr());
        assertEquals(core.stateMomentum(), cli.stateMomentum());
        assertEquals(core.lr(), cli.lr());
        assertEquals(core.batch(), cli.batch());
        assertEquals(core.seed(), cli.seed());
        assertEquals(PcMemory.Recall.defaults(), parsed().recall());
    }

    @Test
    void sharedFlagsAreSpelledAsTrainSpellsThem() {
        PcMemory.Config c = parsed("-T", "7", "--state-momentum", "0.25").config();
        assertEquals(7, c.inferenceSteps());
        assertEquals(0.25, c.stateMomentum());
        CommandLine train = new CommandLine(new TrainCommand());
        for (String flag : new String[] {"-T", "--inference-steps", "--state-lr", "--state-momentum", "--lr",
                "--batch-size", "--seed", "--epochs", "--activation", "--quiet"}) {
            assertTrue(train.getCommandSpec().findOption(flag) != null, "train has " + flag);
            assertTrue(new CommandLine(new MemoryCommand.Store()).getCommandSpec().findOption(flag) != null,
                    "memory store has " + flag);
        }
    }

    @Test
    void storeRefusesAFolderHoldingAnotherMemoryUnlessOverwrite(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path mem = tmp.resolve("mem");
        java.nio.file.Files.createDirectories(mem);
        byte[] old = {1, 2, 3};
        java.nio.file.Files.write(mem.resolve("model.safetensors"), old);
        String[] store = {"memory", "store", "--dataset", "digits", "--count", "5", "--epochs", "2", "--latent", "4",
            "--hidden", "8", "--quiet", "--out", mem.toString()};
        CliRunner.Result r = CliRunner.run(store);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds another run's model.safetensors") && r.err().contains("--overwrite"), r.err());
        assertArrayEquals(old, java.nio.file.Files.readAllBytes(mem.resolve("model.safetensors")), "the old model is untouched");
        String[] again = java.util.Arrays.copyOf(store, store.length + 1);
        again[store.length] = "--overwrite";
        assertEquals(0, CliRunner.run(again).code());
    }

    @Test
    void valuesAreRangeCheckedNamingTheFlag() {
        String[][] bad = {
            {"--inference-steps", "1000000000", "--inference-steps"},
            {"--recall-steps", "1000000000", "--recall-steps"},
            {"--state-lr", "-1", "--state-lr"},
            {"--state-lr", "NaN", "--state-lr"},
            {"--state-momentum", "-0.5", "--state-momentum"},
            {"--lr", "0", "--lr"},
            {"--recall-lr", "Infinity", "--recall-lr"},
            {"--epochs", "2000000000", "--epochs"},
        };
        for (String[] b : bad) {
            MemoryCommand.MemoryOptions o = parsed(b[0], b[1]);
            PcnException e = assertThrows(PcnException.class, () -> {
                o.config();
                o.recall();
            }, b[0] + " " + b[1]);
            assertTrue(e.getMessage().startsWith(b[2]), e.getMessage());
        }
        CliRunner.Result r = CliRunner.run("memory", "recall", "--model", "nope.safetensors", "--cues", "c.idx",
                "--clamp", "top-half", "--out", "o.idx", "--recall-steps", "1000000000");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--recall-steps"), r.err());
    }
}

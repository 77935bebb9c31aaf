package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help: no picocli format warnings, summaries that are whole sentences, defaults the code uses. */
class HelpTextTest {
    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    @Test
    void everyHelpPrintsCleanlyWithWholeSentenceSummaries() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        assertTrue(all.size() > 10, "commands: " + all.size());
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            if (name.endsWith(" help")) {
                continue;
            }
            String[] args = (name.replaceFirst("^pcn4j ?", "") + " --help").trim().split(" ");
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(0, r.code(), name + ": " + r.err());
            assertFalse(r.out().contains("[picocli WARN]") || r.err().contains("[picocli WARN]"), name + ": " + r.err());
            String[] desc = cl.getCommandSpec().usageMessage().description();
            if (desc.length > 0) {
                String first = desc[0].strip();
                assertTrue(first.endsWith(".") || first.endsWith(")"),
                        name + ": summary line is cut off: '" + first + "'");
            }
        }
    }

    @Test
    void helpDefaultsMatchTheCode() {
        assertTrue(CliRunner.run("eval", "--help").out().replaceAll("\\s+", " ")
                .contains("; " + org.pcn4j.fit.Fit.GENERATIVE_EVAL_STEPS + " per clamped label for generative models"));
        String train = CliRunner.run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(train.contains("State updates per batch, T (default: 8)"), train);
        assertTrue(train.contains("--on-divergence=ACTION"), train);
    }
}

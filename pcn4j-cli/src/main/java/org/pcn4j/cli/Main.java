package org.pcn4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The pcn4j command line. Every command has --help; errors are one line unless --verbose. */
@Command(name = "pcn4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Predictive coding networks for the JVM: train, evaluate and query PC networks.",
        subcommands = {
                TrainCommand.class,
                EvalCommand.class,
                ClassifyCommand.class,
                GenerateCommand.class,
                CompleteCommand.class,
                MemoryCommand.class,
                GraphCommand.class,
                DataCommand.class,
                BenchCommand.class,
                FilterCommand.class,
                ControlCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    /** Accepted anywhere on the command line; read before parsing so even parse errors honour it. */
    @Option(names = "--verbose", description = "Print stack traces on errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the CLI and returns the exit code, without exiting (for tests). */
    public static int run(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        ProgressBar.quiet(false); // a command's --quiet lasts for that command only (tests run many in one JVM)
        CommandLine cl = newCommandLine(verbose);
        try {
            applyConfigFile(cl, args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println("pcn4j: error: " + Errors.outOfMemory(e, args[0]));
            cl.getErr().flush();
            return 1;
        } catch (RuntimeException e) {
            if (verbose) {
                e.printStackTrace(cl.getErr());
            }
            cl.getErr().println("pcn4j: error: " + Errors.describe(e));
            cl.getErr().flush();
            return 1;
        }
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli's execution exception handler sees Exceptions only: an Error passes it by, so
            // without this catch every OutOfMemoryError was a raw stack trace.
            if (verbose) {
                e.printStackTrace(cl.getErr());
            }
            cl.getErr().println("pcn4j: error: " + Errors.outOfMemory(e, args.length > 0 ? args[0] : "pcn4j"));
            cl.getErr().flush();
            return 1;
        }
    }

    /** {@code --config FILE} after a subcommand supplies that subcommand's option defaults. */
    static void applyConfigFile(CommandLine cl, String[] args) {
        if (args.length == 0 || !cl.getSubcommands().containsKey(args[0])) {
            return;
        }
        CommandLine sub = cl.getSubcommands().get(args[0]);
        if (!sub.getCommandSpec().optionsMap().containsKey("--config")) {
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        java.util.Optional<java.nio.file.Path> file = Config.findConfigOption(rest);
        if (file.isEmpty() && sub.getCommandSpec().optionsMap().containsKey("--resume")) {
            // train --resume RUNDIR: the run's own config.json supplies the options it was started with.
            file = Config.findOption("--resume", rest).map(dir -> dir.resolve("config.json"))
                    .filter(java.nio.file.Files::isRegularFile);
        }
        file.ifPresent(f -> Config.apply(sub, f));
    }

    static CommandLine newCommandLine(boolean verbose) {
        CommandLine cl = new CommandLine(new Main());
        // Later flags win, so scripts can append overrides to a shared set of flags.
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.println("pcn4j: error: " + Errors.describe(ex));
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.println("pcn4j: error: " + Errors.cap(ex.getMessage()));
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return 2;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"pcn4j " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}

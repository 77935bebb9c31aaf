package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pcn4j.PcnException;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code train --spark MASTER}: data-parallel training through {@link DistributedTraining}. The
 * defaults are null so that a local run's config.json is unchanged.
 */
final class SparkOptions {
    static final int DEFAULT_SYNC_EVERY = 8;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train data-parallel on Apache Spark: local[N], local-cluster[N,C,MB] or spark://HOST:PORT"
                    + " (needs pcn4j-spark on the classpath; ./pcn4j adds it; see docs/spark.md).")
    String master;

    @Option(names = "--sync", paramLabel = "MODE",
            description = "With --spark: weights (each partition trains on its shard, weights and optimizer state"
                    + " averaged every --sync-every local steps) or gradients (gradients of every batch summed"
                    + " over the partitions: the single-machine result) (default: weights).")
    String sync;

    @Option(names = "--sync-every", paramLabel = "K",
            description = "With --spark --sync weights: local steps per partition between two averagings (default: "
                    + DEFAULT_SYNC_EVERY + ").")
    Integer syncEvery;

    /** One-line errors for what a distributed run does not do, before any data is read. */
    void check(Path resume, long checkpointEvery) {
        if (master == null) {
            if (sync != null || syncEvery != null) {
                throw new PcnException((sync != null ? "--sync" : "--sync-every") + " needs --spark MASTER");
            }
            return;
        }
        if (sync != null && !sync.equals("weights") && !sync.equals("gradients")) {
            throw new PcnException("--sync must be weights or gradients, got '" + sync + "'");
        }
        if (syncEvery != null && syncEvery < 1) {
            throw new PcnException("--sync-every must be >= 1, got " + syncEvery);
        }
        if (syncEvery != null && "gradients".equals(sync)) {
            throw new PcnException("--sync-every applies to --sync weights; --sync gradients syncs every batch");
        }
        if (resume != null || checkpointEvery > 0) {
            throw new PcnException((resume != null ? "--resume" : "--checkpoint-every")
                    + " is not supported with --spark (a Spark run writes no checkpoints)");
        }
    }

    FitResult run(CommandSpec spec, TrainCommand.Setup s, List<FitListener> listeners) {
        DistributedTraining d = DistributedTraining.find();
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("train")) {
            args.remove(0);
        }
        return d.run(new DistributedTraining.Job(master, sync == null ? "weights" : sync,
                syncEvery == null ? DEFAULT_SYNC_EVERY : syncEvery, args, s.net(), s.fit(), s.tc(), s.fc(),
                s.fit().evalInferenceSteps(s.tc()), listeners));
    }
}

package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.pcn4j.PcnException;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code train --spark MASTER}: data-parallel training through {@link DistributedTraining}. The
 * defaults are null so that a local run's config.json is unchanged.
 */
final class SparkOptions {
    static final int DEFAULT_SYNC_EVERY = 4;

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

    @Option(names = "--sync-lr-scale", paramLabel = "RULE",
            description = "With --spark --sync weights: the factor on the weight learning rate of the local steps:"
                    + " linear (the partition count P: an average of P partitions' steps moves the weights about as far"
                    + " as one single-machine step, where the single run takes P), sqrt (the square root of P), none,"
                    + " or a number (default: linear; see docs/spark.md).")
    String syncLrScale;

    /** The factor for {@code parts} partitions; a one-line error for an unknown rule. */
    static double lrScale(String rule, int parts) {
        String r = rule == null ? "linear" : rule.trim().toLowerCase(java.util.Locale.ROOT);
        switch (r) {
            case "sqrt":
                return Math.sqrt(parts);
            case "linear":
                return parts;
            case "none":
                return 1;
            default:
                double v;
                try {
                    v = Double.parseDouble(r);
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new PcnException("--sync-lr-scale must be linear, sqrt, none or a positive number, got '"
                            + rule + "'");
                }
                return v;
        }
    }

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "With --dataset parquet:PATH or spark-csv:PATH: the column of integer class labels 0..C-1"
                    + " (default: label).")
    String labelColumn;

    @Option(names = "--features-column", paramLabel = "NAME",
            description = "With --dataset parquet:PATH: an array column holding each row's features (default: every"
                    + " numeric column but the label, in table order).")
    String featuresColumn;

    /** Tables read through Spark SQL: a Parquet table, or a CSV file with a header row (Spark's CSV reader). */
    static final List<String> TABLE_PREFIXES = List.of("parquet:", "spark-csv:");

    /** The table prefix {@code dataset} starts with (lower case), or null for a dataset pcn4j reads itself. */
    static String tablePrefix(String dataset) {
        if (dataset != null) {
            for (String p : TABLE_PREFIXES) {
                if (dataset.regionMatches(true, 0, p, 0, p.length())) {
                    return p;
                }
            }
        }
        return null;
    }

    /** True for {@code --dataset parquet:PATH} or {@code spark-csv:PATH}, a table read through Spark SQL. */
    boolean isTable(String dataset) {
        return tablePrefix(dataset) != null;
    }

    /** Reads the table on the driver (through the pcn4j-spark module). */
    org.pcn4j.data.DatasetSplits readTable(String dataset) {
        String prefix = tablePrefix(dataset);
        String path = dataset.substring(prefix.length()).trim();
        if (path.isEmpty()) {
            throw new PcnException("--dataset " + prefix + " needs a path, as in " + prefix + "data/train."
                    + (prefix.equals("parquet:") ? "parquet" : "csv"));
        }
        if (master == null) {
            throw new PcnException("--dataset " + dataset + " is read through Spark SQL: it needs --spark MASTER"
                    + " (e.g. --spark 'local[2]')");
        }
        return DistributedTraining.find().readTable(master, prefix + path, labelColumn == null ? "label" : labelColumn,
                featuresColumn);
    }

    /** One-line errors for what a distributed run does not do, before any data is read. */
    void check() {
        if (master == null) {
            if (sync != null || syncEvery != null || syncLrScale != null) {
                throw new PcnException((sync != null ? "--sync" : syncEvery != null ? "--sync-every" : "--sync-lr-scale")
                        + " needs --spark MASTER");
            }
            if (labelColumn != null || featuresColumn != null) {
                throw new PcnException((labelColumn != null ? "--label-column" : "--features-column")
                        + " applies to --dataset parquet:PATH or spark-csv:PATH, which need --spark MASTER");
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
        if (syncLrScale != null && "gradients".equals(sync)) {
            throw new PcnException("--sync-lr-scale applies to --sync weights; --sync gradients is the single-machine step");
        }
        lrScale(syncLrScale, 1);
    }

    FitResult run(CommandSpec spec, TrainCommand.Setup s, List<FitListener> listeners, Checkpoint resume) {
        DistributedTraining d = DistributedTraining.find();
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("train")) {
            args.remove(0);
        }
        // A resumed run without --sync-every keeps its checkpoint's K: a run folder started under an
        // older default (8 until session 5) goes on as it was.
        int every = syncEvery != null ? syncEvery
                : resume != null && resume.scalars().get("spark_sync_every") instanceof Number
                        && !"gradients".equals(sync) ? ((Number) resume.scalars().get("spark_sync_every")).intValue()
                : DEFAULT_SYNC_EVERY;
        return d.run(new DistributedTraining.Job(master, sync == null ? "weights" : sync, every, args, s.net(), s.fit(), s.tc(), s.fc(),
                s.fit().evalInferenceSteps(s.tc()), listeners, resume, syncLrScale == null ? "linear" : syncLrScale));
    }
}

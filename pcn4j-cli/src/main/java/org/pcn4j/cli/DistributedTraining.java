package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.pcn4j.PcnException;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.InputAffine;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.fit.Fit;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import org.pcn4j.model.PcModel;
import org.pcn4j.train.TrainConfig;
import picocli.CommandLine;

/**
 * The hand-over from {@code pcn4j train --spark MASTER} to a distributed trainer found with
 * {@link ServiceLoader} (the pcn4j-spark module provides one; the cli itself never depends on
 * Spark). The cli does everything it does for a local run (options, data, model, run folder,
 * listeners) and hands the loop over; workers rebuild the same setup from the same arguments with
 * {@link #worker(List)}, so nothing but strings and float arrays has to be serialized.
 */
public interface DistributedTraining {

    /** Runs the epochs of {@code job} instead of {@link Fit#run}, reporting to its listeners. */
    FitResult run(Job job);

    /**
     * One distributed run. {@code sync}: "weights" (parameter averaging every {@code syncEvery}
     * local steps) or "gradients" (one exact, aggregated step per batch); {@code args}: the train
     * command's own arguments, for {@link #worker(List)}; {@code resume}: the checkpoint of a
     * distributed run to continue, or null; {@code lrScale}: the rule for the local steps' weight
     * rate in averaging mode (linear, sqrt, none or a number; {@link #lrScale(String, int)}).
     */
    record Job(String master, String sync, int syncEvery, List<String> args, PcModel net, Fit fit,
               TrainConfig trainConfig, FitConfig fitConfig, int evalInferenceSteps, List<FitListener> listeners,
               Checkpoint resume, String lrScale) {
        public Job {
            args = List.copyOf(args);
            listeners = List.copyOf(listeners);
        }
    }

    /** The factor a {@link Job#lrScale()} rule gives for {@code partitions} partitions. */
    static double lrScale(String rule, int partitions) {
        return SparkOptions.lrScale(rule, partitions);
    }

    /** What a worker needs: the model (its architecture; weights come from the driver), the data and the configs. */
    record Worker(PcModel net, Fit fit, TrainConfig trainConfig, FitConfig fitConfig) {}

    /**
     * A worker's own training rows when it does not read the dataset itself (a Spark SQL table:
     * each executor holds its partition of it): {@code shard} is its training split only (no
     * validation is held out of it again) and {@code affine} the driver's input map (statistics
     * of the whole training split, not of the shard).
     */
    record ShardData(DatasetSplits shard, InputAffine affine) {}

    /**
     * Reads {@code --dataset parquet:PATH} or {@code spark-csv:PATH} ({@code table}, prefix and
     * path) on the driver (the cli cannot: it does not depend on Spark): a training split only,
     * {@code labelColumn} the integer labels, {@code featuresColumn} an array column of the
     * features or null for every other numeric column in table order.
     */
    default DatasetSplits readTable(String master, String table, String labelColumn, String featuresColumn) {
        throw new PcnException("--dataset " + table + " is read by the pcn4j-spark module");
    }

    /** Rebuilds the train command's setup from its arguments (without "train"), as the driver built it. */
    static Worker worker(List<String> args) {
        return worker(args, null);
    }

    /** As {@link #worker(List)}, with the training rows given ({@code data} null: read the dataset named). */
    static Worker worker(List<String> args, ShardData data) {
        List<String> all = new ArrayList<>();
        all.add("train");
        all.addAll(args);
        String[] a = all.toArray(new String[0]);
        CommandLine cl = Main.newCommandLine(false);
        Main.applyConfigFile(cl, a);
        cl.parseArgs(a);
        TrainCommand t = cl.getSubcommands().get("train").getCommand();
        t.shardData = data;
        TrainCommand.Setup s = t.setup();
        return new Worker(s.net(), s.fit(), s.tc(), s.fc());
    }

    /** The provider on the classpath, or a one-line error saying how to get one. */
    static DistributedTraining find() {
        for (DistributedTraining d : ServiceLoader.load(DistributedTraining.class)) {
            return d;
        }
        throw new PcnException("--spark: the pcn4j-spark module is not on the classpath (run through ./pcn4j, which adds"
                + " it and Spark's jars, or spark-submit pcn4j-spark.jar)");
    }
}

package org.pcn4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.pcn4j.PcnException;
import org.pcn4j.cli.DistributedTraining;
import org.pcn4j.data.Dataset;
import org.pcn4j.fit.EpochReport;
import org.pcn4j.fit.Evaluation;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.GradClip;
import org.pcn4j.optim.OptimizerState;
import org.pcn4j.optim.Param;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * The driver of a Spark run, found by the cli through {@link DistributedTraining}. It keeps the
 * model's authoritative weights in a {@link Trainer} over the cli's own network (so evaluation,
 * the run folder and the plots are the local run's), and runs rounds over one RDD of partition
 * indices, each partition's work done by its {@link Shard}:
 * <ul>
 * <li>{@code gradients}: one round per batch of the single-machine run; each partition computes
 *     the gradient of its rows, the driver sums them, divides by the batch size and takes the
 *     optimizer step itself (with the run's clipping and schedule): the single-machine training,
 *     up to float rounding in the batch sums;</li>
 * <li>{@code weights}: each partition trains on its own shard for K local steps from the averaged
 *     weights and optimizer state, then both are averaged, weighted by the samples each trained on.</li>
 * </ul>
 * Not supported (one-line errors in the cli): checkpoints and --resume; a divergence stops the run.
 */
public final class SparkTraining implements DistributedTraining {

    @Override
    public FitResult run(Job job) {
        Masters.check(job.master());
        boolean gradients = job.sync().equals("gradients");
        JavaSparkContext sc = context(job.master());
        if (!job.master().startsWith("local")) {
            awaitExecutors(sc, job.master());
        }
        int parts = sc.defaultParallelism();
        String runId = UUID.randomUUID().toString();
        if (gradients && job.trainConfig().algorithm() == org.pcn4j.train.Algorithm.IPC) {
            throw new PcnException("--sync gradients needs a rule that updates the weights once per batch;"
                    + " --algorithm ipc updates them at every inference step (use --sync weights)");
        }
        Driver d = null;
        try {
            d = new Driver(job, sc, parts, runId, gradients);
            return d.run();
        } catch (RuntimeException e) {
            throw explain(e, job.master(), sc);
        } finally {
            if (d != null && d.table != null) {
                d.source.unpersist(false);
            }
            Tables.forget(job.fit().data().name());
            Shard.forget(runId);
            if (!job.master().startsWith("local[") && !job.master().equals("local")) {
                // Executor JVMs are released now, not by a shutdown hook racing the workers at exit.
                sc.stop();
            }
        }
    }

    @Override
    public org.pcn4j.data.DatasetSplits readTable(String master, String table, String labelColumn, String featuresColumn) {
        Masters.check(master);
        JavaSparkContext sc = context(master);
        if (!master.startsWith("local")) {
            awaitExecutors(sc, master);
        }
        return Tables.read(sc, table, labelColumn, featuresColumn);
    }

    /** A task's own one-line error (thrown on an executor, wrapped by Spark), or what stopped Spark. */
    static RuntimeException explain(RuntimeException e, String master, JavaSparkContext sc) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PcnException) {
                return (PcnException) t;
            }
        }
        if (sc.sc().isStopped()) {
            return new PcnException("--spark " + master + ": Spark stopped the application (" + e.getMessage()
                    + "); see Spark's log above");
        }
        return e;
    }

    /** The jars (or folders) holding pcn4j-spark, pcn4j-cli and pcn4j-core, comma-separated. */
    static String ownJars() {
        java.util.LinkedHashSet<String> jars = new java.util.LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {SparkTraining.class, org.pcn4j.cli.Main.class, PcnException.class}) {
            java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                try {
                    jars.add(java.nio.file.Paths.get(cs.getLocation().toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    jars.add(cs.getLocation().toString());
                }
            }
        }
        return String.join(",", jars);
    }

    /** Seconds to wait for a cluster's first executor before giving up with a one-line error. */
    static final int EXECUTOR_WAIT_SECONDS = Integer.getInteger("pcn4j.spark.executorWait", 15);

    /**
     * A cluster master that accepts the connection but never gives executors (not a Spark master,
     * no free workers) would leave the run waiting or fail deep inside Spark: wait a bounded time.
     */
    static void awaitExecutors(JavaSparkContext sc, String master) {
        long deadline = System.nanoTime() + EXECUTOR_WAIT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (sc.sc().isStopped()) {
                throw new PcnException("--spark " + master + ": Spark stopped while connecting (is it a Spark master?)");
            }
            // The driver counts as one; any more is an executor.
            if (sc.statusTracker().getExecutorInfos().length > 1) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sc.stop();
        throw new PcnException("--spark " + master + ": no executor registered within " + EXECUTOR_WAIT_SECONDS
                + " s (is it a Spark master with free workers? -Dpcn4j.spark.executorWait=SECONDS waits longer)");
    }

    /** One SparkContext per JVM: reused when one runs (tests train several times in one JVM). */
    static synchronized JavaSparkContext context(String master) {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "org/pcn4j/spark/log4j2.properties");
        }
        SparkConf conf = new SparkConf().setAppName("pcn4j train").setMaster(master)
                .setIfMissing("spark.ui.enabled", "false")
                // Executor JVMs need the Vector API too (the kernels fall back to scalar code without it).
                .setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        boolean inProcess = master.equals("local") || master.startsWith("local[");
        if (!inProcess) {
            // Executors in other JVMs need pcn4j's classes: the jars this driver runs from (spark-submit sets its own).
            conf.setIfMissing("spark.jars", ownJars());
        }
        if ((inProcess || master.startsWith("local-cluster")) && System.getenv("SPARK_LOCAL_IP") == null) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        org.apache.spark.SparkContext ctx = inProcess || master.startsWith("local-cluster")
                ? org.apache.spark.SparkContext.getOrCreate(conf) : connect(conf, master);
        if (!ctx.master().equals(master)) {
            throw new PcnException("--spark " + master + ": this JVM already runs a SparkContext on " + ctx.master()
                    + " (one per JVM)");
        }
        current = ctx;
        return JavaSparkContext.fromSparkContext(ctx);
    }

    private static org.apache.spark.SparkContext current;

    /**
     * Seconds a cluster master has to register the application. An address that accepts TCP
     * connections but is no Spark master (another service, a proxy that accepts every
     * connection) would hold SparkContext's constructor for three 20 s registration attempts.
     */
    static int registerWaitSeconds() {
        return Integer.getInteger("pcn4j.spark.registerWait", 10);
    }

    /**
     * Creates the context of a cluster master on a daemon thread and gives up after
     * {@link #registerWaitSeconds()} with a one-line error (the thread is left to Spark's own
     * retries; the cli exits right after the error).
     */
    private static org.apache.spark.SparkContext connect(SparkConf conf, String master) {
        java.util.concurrent.FutureTask<org.apache.spark.SparkContext> f =
                new java.util.concurrent.FutureTask<>(() -> org.apache.spark.SparkContext.getOrCreate(conf));
        Thread t = new Thread(f, "pcn4j-spark-connect");
        t.setDaemon(true);
        t.start();
        int wait = registerWaitSeconds();
        try {
            return f.get(wait, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PcnException("--spark " + master + ": the address accepts connections, but no Spark master"
                    + " registered the application within " + wait + " s (is it a Spark master?"
                    + " -Dpcn4j.spark.registerWait=SECONDS waits longer)");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new PcnException("--spark " + master + ": " + c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PcnException("--spark " + master + ": interrupted while connecting");
        }
    }

    /** Stops the context the runs of this JVM share, if one is up (tests, before the JVM exits). */
    static synchronized void stopContext() {
        if (current != null && !current.isStopped()) {
            current.stop();
        }
        current = null;
    }
}

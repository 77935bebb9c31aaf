package org.pcn4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.pcn4j.PcnException;
import org.pcn4j.cli.DistributedTraining;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.InputAffine;
import org.pcn4j.data.Normalization;
import scala.Tuple2;

/**
 * {@code --dataset parquet:PATH} or {@code spark-csv:PATH} (a CSV file or folder with a header
 * row, read by Spark's CSV source with inferred column types): a table of features and labels
 * read through Spark SQL. The
 * driver reads it once (its setup, the validation hold-out and evaluation need every row, as in a
 * local run) and keeps the table's rows as an RDD, numbered in table order; a run then sends each
 * training row to its partition (training row t to partition t mod P, the same shards as for a
 * named dataset) with one shuffle, so each executor holds only its partition's rows and builds its
 * worker from them. A lost partition is recomputed from the table by Spark's lineage.
 */
final class Tables {
    private Tables() {}

    /** One row: its position in the table, its features and its label. */
    record TableRow(long index, float[] x, int label) implements Serializable {}

    /** A table the driver read: its rows (persisted on the executors) and its shape. */
    record Table(String name, JavaRDD<TableRow> rows, int size, int features, int classes) {}

    /** Tables read by this JVM's driver, by dataset name, for the run that follows the setup. */
    private static final Map<String, Table> READ = new ConcurrentHashMap<>();

    static Table get(String name) {
        return READ.get(name);
    }

    static void forget(String name) {
        Table t = READ.remove(name);
        if (t != null) {
            t.rows().unpersist(false);
        }
    }

    /** Reads the table on the driver; see the class comment. */
    static DatasetSplits read(JavaSparkContext sc, String table, String labelColumn, String featuresColumn) {
        String name = table;
        boolean csv = table.regionMatches(true, 0, "spark-csv:", 0, "spark-csv:".length());
        String path = table.substring(table.indexOf(':') + 1);
        forget(name);
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        org.apache.spark.sql.Dataset<Row> df;
        try {
            // CSV: the header names the columns; inferSchema reads their types (one more pass over the
            // file), so number columns are numeric and a text column is refused as for Parquet.
            df = csv ? spark.read().option("header", "true").option("inferSchema", "true").option("mode", "FAILFAST")
                    .csv(path) : spark.read().parquet(path);
        } catch (Exception e) { // Spark's AnalysisException (a missing path) is a checked exception thrown from Scala
            throw new PcnException("--dataset " + name + ": " + firstLine(e));
        }
        List<String> cols = new ArrayList<>();
        StructField label = null;
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(labelColumn)) {
                label = f;
            }
        }
        if (label == null) {
            throw new PcnException("--dataset " + name + ": no label column '" + labelColumn + "' (columns: "
                    + String.join(", ", df.columns()) + "; --label-column NAME names another)");
        }
        if (!(label.dataType() instanceof NumericType)) {
            throw new PcnException("--dataset " + name + ": label column '" + labelColumn + "' is "
                    + label.dataType().simpleString() + ", expected integers 0..C-1");
        }
        cols.add(labelColumn);
        boolean array = featuresColumn != null;
        if (array) {
            StructField f = null;
            for (StructField g : df.schema().fields()) {
                if (g.name().equals(featuresColumn)) {
                    f = g;
                }
            }
            if (f == null) {
                throw new PcnException("--dataset " + name + ": no features column '" + featuresColumn + "' (columns: "
                        + String.join(", ", df.columns()) + ")");
            }
            DataType t = f.dataType();
            if (!(t instanceof ArrayType) || !(((ArrayType) t).elementType() instanceof NumericType)) {
                throw new PcnException("--dataset " + name + ": features column '" + featuresColumn + "' is "
                        + t.simpleString() + ", expected an array of numbers");
            }
            cols.add(featuresColumn);
        } else {
            for (StructField f : df.schema().fields()) {
                if (!f.name().equals(labelColumn) && f.dataType() instanceof NumericType) {
                    cols.add(f.name());
                }
            }
            if (cols.size() == 1) {
                throw new PcnException("--dataset " + name + ": no numeric feature columns besides '" + labelColumn
                        + "' (an array column of features: --features-column NAME)");
            }
        }
        String where = name;
        String[] rest = cols.subList(1, cols.size()).toArray(new String[0]);
        JavaRDD<TableRow> rows = df.select(cols.get(0), rest).javaRDD().zipWithIndex()
                .map(t -> toRow(t._1(), t._2(), array, where));
        rows.persist(StorageLevel.MEMORY_AND_DISK());
        List<TableRow> all;
        try {
            all = new ArrayList<>(rows.collect());
        } catch (RuntimeException e) {
            rows.unpersist(false);
            throw SparkTraining.explain(e, "", sc);
        }
        if (all.isEmpty()) {
            rows.unpersist(false);
            throw new PcnException("--dataset " + name + ": the table has no rows");
        }
        all.sort((a, b) -> Long.compare(a.index(), b.index()));
        int n = all.size();
        int d = all.get(0).x().length;
        float[] values = new float[n * d];
        int[] labels = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            TableRow r = all.get(i);
            if (r.x().length != d) {
                rows.unpersist(false);
                throw new PcnException("--dataset " + name + ": row " + i + " has " + r.x().length + " features, row 0 has " + d);
            }
            System.arraycopy(r.x(), 0, values, i * d, d);
            labels[i] = r.label();
            classes = Math.max(classes, r.label() + 1);
        }
        if (d == 0) {
            rows.unpersist(false);
            throw new PcnException("--dataset " + name + ": row 0 has no features");
        }
        READ.put(name, new Table(name, rows, n, d, classes));
        Dataset train = Dataset.ofFloats(name, new int[] {d}, values, labels, classes);
        return new DatasetSplits(name, path, train, null, null, Normalization.NONE);
    }

    private static TableRow toRow(Row r, long index, boolean array, String name) {
        Object l = r.get(0);
        if (l == null) {
            throw new PcnException("--dataset " + name + ": row " + index + " has no label");
        }
        double lv = ((Number) l).doubleValue();
        if (!(lv >= 0) || lv != Math.rint(lv) || lv > 1_000_000) {
            throw new PcnException("--dataset " + name + ": row " + index + " has label " + l + ", expected an integer 0..C-1");
        }
        float[] x;
        if (array) {
            List<Object> v = r.getList(1);
            if (v == null) {
                throw new PcnException("--dataset " + name + ": row " + index + " has no features");
            }
            x = new float[v.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = number(v.get(j), name, index);
            }
        } else {
            x = new float[r.size() - 1];
            for (int j = 0; j < x.length; j++) {
                x[j] = number(r.get(j + 1), name, index);
            }
        }
        return new TableRow(index, x, (int) lv);
    }

    private static float number(Object o, String name, long index) {
        if (o == null) {
            throw new PcnException("--dataset " + name + ": row " + index + " has an empty feature");
        }
        float f = ((Number) o).floatValue();
        if (!Float.isFinite(f)) {
            throw new PcnException("--dataset " + name + ": row " + index + " has a non-finite feature " + o);
        }
        return f;
    }

    /**
     * The table's training rows sent to their partitions: training row t (the rows left after the
     * validation hold-out, in table order) to partition t mod P. Persisted on the executors.
     */
    static JavaRDD<Object> shards(JavaSparkContext sc, Table t, double validation, long seed, int parts) {
        int[] trainRows = validation > 0 ? DatasetSplits.validationSplit(t.name(), t.size(), validation, seed)[0] : null;
        int[] part = new int[t.size()];
        if (trainRows == null) {
            for (int i = 0; i < part.length; i++) {
                part[i] = i % parts;
            }
        } else {
            Arrays.fill(part, -1);
            for (int k = 0; k < trainRows.length; k++) {
                part[trainRows[k]] = k % parts;
            }
        }
        Broadcast<int[]> bp = sc.broadcast(part);
        JavaRDD<Object> s = t.rows().filter(r -> bp.value()[(int) r.index()] >= 0)
                .mapToPair(r -> new Tuple2<>(bp.value()[(int) r.index()], r))
                .partitionBy(new HashPartitioner(parts)).values().map(r -> (Object) r);
        s.persist(StorageLevel.MEMORY_AND_DISK());
        return s;
    }

    /** A worker's rows, from its partition of {@link #shards}, in table order. */
    static DistributedTraining.ShardData shard(Iterator<Object> it, int partition, String name, int features, int classes,
                                               float[] scales, float[] offsets) {
        List<TableRow> rs = new ArrayList<>();
        it.forEachRemaining(o -> rs.add((TableRow) o));
        rs.sort((a, b) -> Long.compare(a.index(), b.index()));
        float[] values = new float[rs.size() * features];
        int[] labels = new int[rs.size()];
        for (int i = 0; i < rs.size(); i++) {
            System.arraycopy(rs.get(i).x(), 0, values, i * features, features);
            labels[i] = rs.get(i).label();
        }
        Dataset ds = Dataset.ofFloats(name + "-part" + partition, new int[] {features}, values, labels, classes);
        return new DistributedTraining.ShardData(new DatasetSplits(name, name, ds, null, null, Normalization.NONE),
                InputAffine.of(scales, offsets));
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

package org.pcn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.Datasets;
import org.pcn4j.io.SafeTensors;

/**
 * {@code --dataset parquet:PATH}: a Parquet table written by Spark itself from the embedded
 * digits' training rows, trained on in local[2], against the same rows as {@code csv:PATH}
 * (each partition's shard is the same rows in the same order either way).
 */
class SparkTableTest {
    @TempDir
    Path tmp;

    @AfterAll
    static void stopSpark() {
        SparkTraining.stopContext();
    }

    /** The digits' training rows: as a Parquet table (label + an array column) and as a CSV file. */
    private void write(Path parquet, Path csv, boolean arrayColumn) throws Exception {
        Dataset d = Datasets.digits(null).train();
        int f = d.features();
        float[] x = new float[f];
        List<Row> rows = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.size(); i++) {
            d.features(i, x, 0);
            if (arrayColumn) {
                List<Float> v = new ArrayList<>();
                for (float a : x) {
                    v.add(a);
                }
                rows.add(RowFactory.create(d.label(i), v.toArray(new Float[0])));
            } else {
                Object[] cells = new Object[f + 1];
                for (int j = 0; j < f; j++) {
                    cells[j] = (double) x[j];
                }
                cells[f] = (long) d.label(i); // label last here: columns are found by name
                rows.add(RowFactory.create(cells));
            }
        }
        StructType schema;
        if (arrayColumn) {
            schema = new StructType(new StructField[] {
                DataTypes.createStructField("digit", DataTypes.IntegerType, false),
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)});
        } else {
            StructField[] fs = new StructField[f + 1];
            for (int j = 0; j < f; j++) {
                fs[j] = DataTypes.createStructField("p" + j, DataTypes.DoubleType, false);
            }
            fs[f] = DataTypes.createStructField("label", DataTypes.LongType, false);
            schema = new StructType(fs);
        }
        SparkSession spark = SparkSession.builder().sparkContext(SparkTraining.context("local[2]").sc()).getOrCreate();
        // Three files, so that the table's rows come from more than one Spark partition.
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(parquet.toString());
        // The CSV holds the rows in the order Spark reads the table back (its files' order, not the digits').
        for (Row r : spark.read().parquet(parquet.toString()).collectAsList()) {
            if (arrayColumn) {
                for (Object v : r.getList(1)) {
                    sb.append(v).append(',');
                }
                sb.append(r.get(0)).append('\n');
            } else {
                for (int j = 0; j < f; j++) {
                    sb.append(r.get(j)).append(',');
                }
                sb.append(r.get(f)).append('\n');
            }
        }
        Files.writeString(csv, sb.toString());
    }

    private static float worstDifference(Path a, Path b) {
        SafeTensors.Contents want = SafeTensors.read(a.resolve("model.safetensors"));
        SafeTensors.Contents got = SafeTensors.read(b.resolve("model.safetensors"));
        assertEquals(want.tensors().keySet(), got.tensors().keySet());
        float worst = 0;
        for (SafeTensors.Entry w : want.tensors().values()) {
            float[] x = w.data();
            float[] y = got.get(w.name()).data();
            assertEquals(x.length, y.length);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        return worst;
    }

    @Test
    void parquetTableTrainsAsTheSameRowsFromCsv() throws Exception {
        Path parquet = tmp.resolve("digits.parquet");
        Path csv = tmp.resolve("digits.csv");
        write(parquet, csv, true);
        String[] same = {"--model", "64-32-10", "--epochs", "3", "--lr", "1e-2", "--validation", "0.1", "--normalize",
            "standardize", "--seed", "5", "--threads", "1", "--quiet", "--no-plots", "--spark", "local[2]", "--sync-every", "4"};
        List<String> a = new ArrayList<>(List.of("train", "--dataset", "parquet:" + parquet, "--label-column", "digit",
                "--features-column", "pixels", "--out", tmp.resolve("p").toString()));
        a.addAll(List.of(same));
        SparkTrainingTest.ok(a);
        List<String> c = new ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--out", tmp.resolve("c").toString()));
        c.addAll(List.of(same));
        SparkTrainingTest.ok(c);
        // The same shards, order, seeds and affine (standardized with the whole training split's statistics,
        // not a shard's): the same training, to the last bit.
        assertEquals(0f, worstDifference(tmp.resolve("c"), tmp.resolve("p")));
        List<Map<String, Object>> pm = SparkTrainingTest.metrics(tmp.resolve("p"));
        List<Map<String, Object>> cm = SparkTrainingTest.metrics(tmp.resolve("c"));
        assertEquals(3, pm.size());
        assertEquals(cm.get(2).get("validation_accuracy"), pm.get(2).get("validation_accuracy"));
        assertTrue((double) pm.get(2).get("validation_accuracy") > 0.5, pm.get(2).toString());
        assertEquals(2, ((Number) pm.get(2).get("spark_partitions")).intValue());
    }

    @Test
    void numberedColumnsAndOneLineErrors() throws Exception {
        Path parquet = tmp.resolve("cols.parquet");
        write(parquet, tmp.resolve("cols.csv"), false);
        List<String> a = List.of("train", "--dataset", "parquet:" + parquet, "--model", "64-16-10", "--epochs", "1",
                "--threads", "1", "--quiet", "--no-plots", "--spark", "local[2]", "--out", tmp.resolve("n").toString());
        SparkTrainingTest.Result r = SparkTrainingTest.ok(a);
        assertTrue(r.err().contains("1438 train"), r.err());

        r = SparkTrainingTest.cli("train", "--dataset", "parquet:" + parquet, "--label-column", "digit", "--spark",
                "local[2]", "--out", tmp.resolve("e1").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no label column 'digit' (columns: p0, p1"), r.err());

        r = SparkTrainingTest.cli("train", "--dataset", "parquet:" + tmp.resolve("missing"), "--spark", "local[2]",
                "--out", tmp.resolve("e2").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("pcn4j: error: --dataset parquet:"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        r = SparkTrainingTest.cli("train", "--dataset", "parquet:" + parquet, "--out", tmp.resolve("e3").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is read through Spark SQL: it needs --spark MASTER"), r.err());

        r = SparkTrainingTest.cli("train", "--dataset", "parquet:" + parquet, "--spark", "local[2]", "--sync", "gradients",
                "--out", tmp.resolve("e4").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync gradients needs every row on every partition"), r.err());
    }

    /**
     * {@code --dataset spark-csv:PATH}: a CSV with a header read by Spark SQL trains exactly as the
     * same rows through pcn4j's own {@code csv:PATH} reader (one file: Spark reads it in order).
     */
    @Test
    void sparkCsvTableTrainsAsTheSameRowsFromPcn4jsCsvReader() throws Exception {
        Dataset d = Datasets.digits(null).train();
        int f = d.features();
        float[] x = new float[f];
        StringBuilder header = new StringBuilder();
        for (int j = 0; j < f; j++) {
            header.append('p').append(j).append(',');
        }
        header.append("label\n");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < d.size(); i++) {
            d.features(i, x, 0);
            for (float v : x) {
                rows.append(v).append(',');
            }
            rows.append(d.label(i)).append('\n');
        }
        Path table = tmp.resolve("digits-h.csv");
        Path plain = tmp.resolve("digits.csv");
        Files.writeString(table, header + rows.toString());
        Files.writeString(plain, rows.toString());
        String[] same = {"--model", "64-32-10", "--epochs", "2", "--lr", "1e-2", "--validation", "0.1", "--seed", "3",
            "--threads", "1", "--quiet", "--no-plots", "--spark", "local[2]", "--sync-every", "4"};
        List<String> a = new ArrayList<>(List.of("train", "--dataset", "spark-csv:" + table, "--out",
                tmp.resolve("s").toString()));
        a.addAll(List.of(same));
        SparkTrainingTest.ok(a);
        List<String> c = new ArrayList<>(List.of("train", "--dataset", "csv:" + plain, "--out", tmp.resolve("c").toString()));
        c.addAll(List.of(same));
        SparkTrainingTest.ok(c);
        assertEquals(0f, worstDifference(tmp.resolve("c"), tmp.resolve("s")));
        assertEquals(SparkTrainingTest.metrics(tmp.resolve("c")).get(1).get("validation_accuracy"),
                SparkTrainingTest.metrics(tmp.resolve("s")).get(1).get("validation_accuracy"));

        // A label column of words, a missing file, no --spark: one-line errors.
        Path words = tmp.resolve("words.csv");
        Files.writeString(words, "a,label\n1.0,cat\n2.0,dog\n");
        SparkTrainingTest.Result r = SparkTrainingTest.cli("train", "--dataset", "spark-csv:" + words, "--spark", "local[2]", "--out",
                tmp.resolve("e1").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("label column 'label' is string, expected integers 0..C-1"), r.err());
        r = SparkTrainingTest.cli("train", "--dataset", "spark-csv:" + tmp.resolve("none.csv"), "--spark", "local[2]",
                "--out", tmp.resolve("e2").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("pcn4j: error: --dataset spark-csv:"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        r = SparkTrainingTest.cli("train", "--dataset", "spark-csv:" + table, "--out", tmp.resolve("e3").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is read through Spark SQL: it needs --spark MASTER"), r.err());
    }
}

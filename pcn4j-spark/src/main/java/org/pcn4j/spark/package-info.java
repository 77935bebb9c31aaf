/**
 * Data-parallel predictive coding training on Apache Spark: {@code pcn4j train --spark MASTER}
 * and {@code spark-submit --class org.pcn4j.spark.Train pcn4j-spark.jar}. The driver runs the
 * epochs and talks to the cli's listeners ({@link org.pcn4j.spark.SparkTraining}); each partition
 * keeps a worker ({@link org.pcn4j.spark.Shard}) that rebuilds the run's setup from the train
 * arguments and trains on its share of the data. See docs/spark.md.
 */
package org.pcn4j.spark;

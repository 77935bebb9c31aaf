/**
 * JMH benchmarks of the kernels and of whole training steps (run as
 * {@code java -jar pcn4j-bench/target/benchmarks.jar}); the figures are recorded in BENCHMARKS.md
 * with their command, machine and JDK.
 */
package org.pcn4j.bench;

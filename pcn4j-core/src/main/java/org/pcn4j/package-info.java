/**
 * pcn4j: predictive coding networks for the JVM. This root package holds only what every other
 * package shares: {@link org.pcn4j.PcnException}, the one-line user-facing error, and
 * {@link org.pcn4j.ProgressListener}, how long work reports progress without depending on a UI.
 *
 * <p>The packages build on each other in one direction: {@code kernel} (float32 BLAS-style kernels)
 * under {@code tensor} (tensors, initializers, small ops), under {@code model} (nodes, edges,
 * energies, networks), {@code optim} (optimizers and schedules), {@code graph} (graph specs),
 * {@code train} (inference and the learning rules), {@code data} and {@code io} (datasets and model
 * files) and {@code memory} (associative memories).
 */
package org.pcn4j;

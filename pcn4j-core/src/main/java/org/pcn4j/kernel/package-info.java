/**
 * The numerical kernels every layer above calls, behind one small interface,
 * {@link org.pcn4j.kernel.Kernels}: BLAS-style {@code sgemm}, activations and their derivatives,
 * softmax. {@link org.pcn4j.kernel.Backends} picks the implementation: the Vector API backend
 * (packed, blocked SGEMM in {@code VectorGemm}) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, else a scalar backend with one warning line. A GPU
 * backend implements the same interface. {@link org.pcn4j.kernel.Parallel} splits one product over
 * threads so that every output element keeps the same arithmetic order at any thread count.
 */
package org.pcn4j.kernel;

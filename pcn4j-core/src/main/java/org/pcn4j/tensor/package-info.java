/**
 * A minimal row-major float32 {@link org.pcn4j.tensor.Tensor}, weight initializers
 * ({@link org.pcn4j.tensor.Init}) and the small elementwise and reduction helpers
 * ({@link org.pcn4j.tensor.Ops}) that are not worth a kernel. Heavy products go through
 * {@code org.pcn4j.kernel.Kernels}.
 */
package org.pcn4j.tensor;

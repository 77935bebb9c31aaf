/**
 * Convolution numerics for convolutional predictive coding edges: conv2d, conv_transpose2d and
 * pooling on batched NCHW float32 tensors, each with the local derivatives a PC edge needs (the
 * adjoint that carries an error back to the source, and the weight and bias gradients), and the
 * fused conv -> activation -> pool block of pcx's VGG networks in both activation placements.
 *
 * <p>Weights keep PyTorch's layout: [out_channels, in_channels / groups, kh, kw] for
 * {@link org.pcn4j.conv.Conv2d} (nn.Conv2d) and [in_channels, out_channels / groups, kh, kw] for
 * {@link org.pcn4j.conv.ConvTranspose2d} (nn.ConvTranspose2d). The heavy work is im2col plus the
 * packed SGEMM of {@link org.pcn4j.kernel.Kernels}; batches are split over the kernel threads by
 * sample (forward, adjoint) or by a fixed sample chunk (weight gradient), so results are
 * bit-identical at any thread count. See docs/conv.md.
 */
package org.pcn4j.conv;

/**
 * Convolutional PC edges on the {@link org.pcn4j.model.Edge} type: {@link org.pcn4j.convnet.ConvEdge}
 * (conv2d with an optional max/avg pool inside the edge, as pcx's VGG blocks),
 * {@link org.pcn4j.convnet.ConvTransposeEdge} (conv_transpose2d, for decoders) and their graph-spec
 * kinds ({@link org.pcn4j.convnet.ConvKinds}). The numerics are {@code org.pcn4j.conv}'s; this
 * package only wires them to nodes. See docs/conv.md.
 */
package org.pcn4j.convnet;

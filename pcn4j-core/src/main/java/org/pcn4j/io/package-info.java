/**
 * Files: safetensors ({@link org.pcn4j.io.SafeTensors}: a length-prefixed JSON header, then raw
 * little-endian tensors) and model files in PyTorch's tensor layouts with self-describing
 * metadata ({@link org.pcn4j.io.ModelFile} for MLPs and either model kind,
 * {@link org.pcn4j.io.GraphModelFile} for graphs). It sits above {@code graph} and {@code data}
 * (a model file names its graph spec and input affine); the JSON codec and atomic writes it uses
 * live in {@link org.pcn4j.util}.
 */
package org.pcn4j.io;

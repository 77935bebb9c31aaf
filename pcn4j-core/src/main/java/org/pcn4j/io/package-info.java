/**
 * Files: a dependency-free JSON reader and writer ({@link org.pcn4j.io.Json}), safetensors
 * ({@link org.pcn4j.io.SafeTensors}: a length-prefixed JSON header, then raw little-endian tensors),
 * model files in PyTorch's tensor layouts with self-describing metadata
 * ({@link org.pcn4j.io.ModelFile}, {@link org.pcn4j.io.GraphModelFile}) and atomic writes
 * ({@link org.pcn4j.io.AtomicFiles}: write a temporary file beside the target, then rename, so a
 * killed process never leaves a torn model).
 */
package org.pcn4j.io;

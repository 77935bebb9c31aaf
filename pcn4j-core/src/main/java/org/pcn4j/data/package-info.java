/**
 * Datasets: loading ({@link org.pcn4j.data.Datasets}: mnist, fashion-mnist, the embedded digits,
 * CSV files), splits ({@link org.pcn4j.data.DatasetSplits}, {@link org.pcn4j.data.Dataset}), input
 * normalization ({@link org.pcn4j.data.InputAffine}), mini-batches ({@link org.pcn4j.data.Batches})
 * and downloads ({@link org.pcn4j.data.Downloader}).
 *
 * <p>Samples stay in their source type (bytes for IDX images) and are converted to floats one
 * batch at a time, so a training run holds Fashion-MNIST in about 55 MB.
 */
package org.pcn4j.data;

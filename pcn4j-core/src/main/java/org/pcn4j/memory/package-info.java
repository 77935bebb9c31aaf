/**
 * Associative-memory baselines and the cue and metric utilities for recall experiments (issue #5):
 * a predictive coding memory is compared with {@link org.pcn4j.memory.ClassicalHopfield} (Hebbian
 * and Storkey rules) and {@link org.pcn4j.memory.ModernHopfield} (softmax retrieval, dot-product
 * and known-pixel Euclidean similarity) on images stored as float rows (count x dim) in [0, 1].
 *
 * <p>{@link org.pcn4j.memory.Cues} builds the deterministic cues (bottom half hidden, a random 75 %
 * hidden, Gaussian noise); {@link org.pcn4j.memory.RecallMetrics} scores the recalled images.
 */
package org.pcn4j.memory;

package org.pcn4j.fit;

import java.util.Map;

/**
 * One finished epoch. {@code metrics} is the metrics.jsonl record, in its field order: epoch,
 * train_loss, train_energy, train_accuracy (discriminative), validation_accuracy and
 * validation_energy (generative) when there is a validation split, test_accuracy when there is a
 * test split, epoch_seconds, samples_per_second, updates, lr, inference_energy. {@code clean} is
 * false when a divergence was ignored in it; {@code kept} says the run now keeps this epoch's model
 * (the last clean one, or the best on validation).
 */
public record EpochReport(int epoch, Map<String, Object> metrics, boolean clean, boolean kept) {
    public EpochReport {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}

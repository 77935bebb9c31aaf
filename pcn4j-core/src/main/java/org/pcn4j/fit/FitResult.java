package org.pcn4j.fit;

import java.util.List;
import java.util.Map;
import org.pcn4j.train.Trainer;

/**
 * What a {@link Fit} run did: the per-epoch metrics, the divergence events, the epoch whose model
 * the network now holds ({@code keptEpoch}; 0: the initial model, when no epoch completed cleanly),
 * and why it stopped early ({@code stopReason}, null when it ran all epochs); {@code diverged} is
 * true when a divergence stopped it. {@code trainer} is the trainer in use at the end (a rollback
 * replaces it by one with lower rates).
 */
public record FitResult(List<Map<String, Object>> history, List<DivergenceEvent> events, int keptEpoch,
                        String stopReason, boolean diverged, Trainer trainer) {
    public FitResult {
        history = List.copyOf(history);
        events = List.copyOf(events);
    }

    /** The last epoch's metrics, or null when none completed. */
    public Map<String, Object> last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}

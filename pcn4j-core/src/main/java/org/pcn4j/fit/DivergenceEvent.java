package org.pcn4j.fit;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Training diverged at one batch: {@code reason} says how (a non-finite value, energy that rose
 * during the batch's inference, energy/loss far above the running reference, or, over many
 * batches, an epoch's or a stretch's mean loss risen above the best), {@code node} the node with
 * the largest energy (the one that went non-finite; "(all)" for the means), {@code value} the offending value
 * and {@code action} what the run did ({@code rollback}, {@code stop} or {@code ignore});
 * {@code rateScale} is the factor the weight rate carries from now on and {@code stateRateScale}
 * the state rate's: a rollback lowers both, except after an energy rise during inference, which
 * says the state steps overshoot and lowers the state rate alone.
 */
public record DivergenceEvent(int epoch, int batch, long update, String node, double value, String reason,
                              String action, double rateScale, double stateRateScale) {

    /** An event after which both rates carry the same factor. */
    public DivergenceEvent(int epoch, int batch, long update, String node, double value, String reason,
                           String action, double rateScale) {
        this(epoch, batch, update, node, value, reason, action, rateScale, rateScale);
    }

    /** The metrics.jsonl record: {"event": "divergence", ...}. */
    public Map<String, Object> toMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "divergence");
        m.put("epoch", epoch);
        m.put("batch", batch);
        m.put("update", update);
        m.put("node", node);
        m.put("value", Double.isFinite(value) ? (Object) value : String.valueOf(value));
        m.put("reason", reason);
        m.put("action", action);
        m.put("rate_scale", rateScale);
        if (stateRateScale != rateScale) {
            m.put("state_rate_scale", stateRateScale); // written only when it differs: older readers see today's record
        }
        return m;
    }

    /** One line for a log: epoch, batch, node, value, action. */
    public String describe() {
        return String.format(Locale.ROOT, "divergence in epoch %d, batch %d (update %d): node '%s', %s %s; action: %s%s",
                epoch, batch, update, node, reason, Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value)
                        : String.valueOf(value), action,
                !action.equals("rollback") ? "" : stateRateScale == rateScale
                        ? String.format(Locale.ROOT, " (rates now x%.4g)", rateScale)
                        : String.format(Locale.ROOT, " (state rate now x%.4g, weight rate x%.4g)", stateRateScale, rateScale));
    }
}

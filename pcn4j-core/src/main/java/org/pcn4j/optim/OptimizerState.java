package org.pcn4j.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deep copy of an optimizer's state: named arrays (moments, velocities) and named counters (step
 * counts), keyed by parameter position ("m.3", "t.3"). Used to roll training back to a good point
 * and to write checkpoints; restoring it into an optimizer of the same kind continues bit for bit.
 */
public record OptimizerState(Map<String, float[]> arrays, Map<String, Long> counters) {
    public OptimizerState {
        Map<String, float[]> a = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            a.put(e.getKey(), e.getValue().clone());
        }
        arrays = Collections.unmodifiableMap(a);
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** The state of an optimizer that has taken no step. */
    public static OptimizerState empty() {
        return new OptimizerState(Map.of(), Map.of());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerState)) {
            return false;
        }
        OptimizerState s = (OptimizerState) o;
        if (!counters.equals(s.counters) || !arrays.keySet().equals(s.arrays.keySet())) {
            return false;
        }
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.arrays.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return counters.hashCode() * 31 + arrays.keySet().hashCode();
    }
}

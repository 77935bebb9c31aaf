package org.pcn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** PairedJars reads bench step's JSON rows: one step time per model and algorithm, other lines ignored. */
class PairedJarsTest {
    @Test
    void readsStepRowsOfBenchStepJson() {
        String out = "kernels vector-256, 1 threads\n"
                + "{\"model\":\"784-128-128-10\",\"algorithm\":\"pc\",\"batch\":64,\"step_us\":1234.5,\"ratio_to_bp\":null}\n"
                + "{\"model\":\"784-128-128-10\",\"algorithm\":\"bp\",\"batch\":64,\"step_us\":700}\n"
                + "{\"note\":\"no step here\"}\n";
        Map<String, Double> m = PairedJars.steps(out);
        assertEquals(2, m.size());
        assertEquals(1234.5, m.get("784-128-128-10/pc"));
        assertEquals(700.0, m.get("784-128-128-10/bp"));
        assertEquals("", PairedJars.field("{\"a\":1}", "b"));
    }
}

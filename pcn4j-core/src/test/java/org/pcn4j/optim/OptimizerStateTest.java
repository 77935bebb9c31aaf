package org.pcn4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Saving and restoring an optimizer's state continues bit for bit, as rollback and resume need. */
class OptimizerStateTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    private static void steps(Optimizer o, List<Param> ps, int from, int count) {
        for (int s = from; s < from + count; s++) {
            for (int p = 0; p < ps.size(); p++) {
                System.arraycopy(random(ps.get(p).length(), 100 * s + p), 0, ps.get(p).grad(), 0, ps.get(p).length());
            }
            o.step(ps, 0.01);
        }
    }

    private static void check(OptimizerConfig c) {
        List<Param> a = List.of(new Param("w", random(12, 1), new float[12]), new Param("b", random(3, 2), new float[3]));
        Optimizer oa = Optimizer.of(c);
        steps(oa, a, 0, 4);
        OptimizerState saved = oa.saveState();
        float[][] w = {a.get(0).value().clone(), a.get(1).value().clone()};
        steps(oa, a, 4, 5);

        List<Param> b = List.of(new Param("w", w[0], new float[12]), new Param("b", w[1], new float[3]));
        Optimizer ob = Optimizer.of(c);
        ob.restoreState(saved);
        assertEquals(saved, ob.saveState());
        steps(ob, b, 4, 5);
        assertArrayEquals(a.get(0).value(), b.get(0).value(), c.kind().id());
        assertArrayEquals(a.get(1).value(), b.get(1).value(), c.kind().id());
        assertFalse(saved.equals(oa.saveState()), "the saved state is a copy");
    }

    @Test
    void adamAdamwAndSgdWithMomentumContinueExactly() {
        check(OptimizerConfig.adam());
        check(OptimizerConfig.adamw(0.01));
        check(OptimizerConfig.sgd(0.9));
        check(new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.5, true, 0.001, 0.9, 0.999, 1e-8));
    }
}

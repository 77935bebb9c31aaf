package org.pcn4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

/** Each optimizer against its textbook update, computed by hand in double precision. */
class OptimizerTest {

    private static Param param(float w, float g) {
        return new Param("p", new float[] {w}, new float[] {g});
    }

    @Test
    void plainSgd() {
        Param p = param(1f, 0.5f);
        new Sgd(0, false, 0).step(List.of(p), 0.1);
        assertEquals(1 - 0.1 * 0.5, p.value()[0], 1e-7);
    }

    @Test
    void sgdWithMomentumWeightDecayAndNesterov() {
        // PyTorch: g' = g + wd w; v = m v + g'; w -= lr (nesterov ? g' + m v : v)
        for (boolean nesterov : new boolean[] {false, true}) {
            Param p = param(1f, 0.5f);
            Sgd opt = new Sgd(0.9, nesterov, 0.01);
            double w = 1;
            double v = 0;
            for (int t = 0; t < 3; t++) {
                double g = 0.5 + 0.01 * w;
                v = 0.9 * v + g;
                w -= 0.1 * (nesterov ? g + 0.9 * v : v);
                opt.step(List.of(p), 0.1);
                assertEquals(w, p.value()[0], 1e-6, "step " + t + " nesterov " + nesterov);
            }
        }
    }

    @Test
    void adamAndAdamW() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Param p = param(1f, 0f);
            Adam opt = new Adam(0.9, 0.999, 1e-8, 0.1, decoupled);
            double w = 1;
            double m = 0;
            double v = 0;
            double[] grads = {0.5, -0.2, 0.3};
            for (int t = 1; t <= 3; t++) {
                double g = grads[t - 1];
                p.grad()[0] = (float) g;
                double ge = decoupled ? g : g + 0.1 * w;
                m = 0.9 * m + 0.1 * ge;
                v = 0.999 * v + 0.001 * ge * ge;
                double mh = m / (1 - Math.pow(0.9, t));
                double vh = v / (1 - Math.pow(0.999, t));
                w -= 0.01 * (mh / (Math.sqrt(vh) + 1e-8) + (decoupled ? 0.1 * w : 0));
                opt.step(List.of(p), 0.01);
                assertEquals(w, p.value()[0], 1e-6, "step " + t + " decoupled " + decoupled);
            }
        }
    }

    @Test
    void inactiveParametersKeepTheirState() {
        Param a = param(1f, 1f);
        Param b = param(1f, 1f);
        Sgd opt = new Sgd(0.5, false, 0);
        opt.step(List.of(a, b), 0.1, new boolean[] {true, false});
        assertEquals(0.9f, a.value()[0], 1e-7);
        assertEquals(1f, b.value()[0]);
    }

    @Test
    void resetForgetsMomentum() {
        Param p = param(0f, 1f);
        Sgd opt = new Sgd(0.9, false, 0);
        opt.step(List.of(p), 1);
        opt.reset();
        p.value()[0] = 0f;
        opt.step(List.of(p), 1);
        assertEquals(-1f, p.value()[0], 1e-7);
    }

    @Test
    void warmupCosineSchedule() {
        Schedule s = Schedule.warmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.rate(0), 1e-12);
        assertEquals(1.0, s.rate(9), 1e-12);
        assertEquals(1.0, s.rate(10), 1e-12);
        assertEquals(0.55, s.rate(60), 1e-12);
        assertEquals(0.1, s.rate(110), 1e-12);
        assertEquals(0.1, s.rate(1000), 1e-12);
        assertEquals(0.3, Schedule.constant(0.3).rate(12345), 0);
        assertThrows(PcnException.class, () -> Schedule.parse("triangle", 1, 0, 10));
    }

    @Test
    void gradientClippingByGlobalNorm() {
        Param a = new Param("a", new float[2], new float[] {3f, 0f});
        Param b = new Param("b", new float[1], new float[] {4f});
        double norm = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-9);
        assertEquals(0.6f, a.grad()[0], 1e-6);
        assertEquals(0.8f, b.grad()[0], 1e-6);
        GradClip.clipGlobalNorm(List.of(a, b), 10.0);
        assertEquals(0.6f, a.grad()[0], 1e-6);
    }

    @Test
    void configValidation() {
        assertThrows(PcnException.class, () -> OptimizerConfig.Kind.parse("lion"));
        assertThrows(PcnException.class, () -> new OptimizerConfig(OptimizerConfig.Kind.SGD, 0, true, 0, 0.9, 0.999, 1e-8));
        assertThrows(PcnException.class, () -> OptimizerConfig.sgd(1.5));
    }
}

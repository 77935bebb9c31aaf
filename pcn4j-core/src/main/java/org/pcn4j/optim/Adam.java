package org.pcn4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.kernel.Kernels;

/**
 * Adam (Kingma and Ba) with bias correction. With {@code decoupled} it is AdamW (Loshchilov and
 * Hutter): w -= lr (m_hat / (sqrt(v_hat) + eps) + wd w); otherwise weight decay is L2, added to the
 * gradient, as in PyTorch's Adam.
 */
final class Adam implements Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;
    private final List<float[]> m = new ArrayList<>();
    private final List<float[]> v = new ArrayList<>();
    private final List<int[]> steps = new ArrayList<>();

    public Adam(double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    public void step(List<Param> params, double lr) {
        step(params, lr, null);
    }

    @Override
    public void step(List<Param> params, double lr, boolean[] active) {
        Update u = begin(params, lr, active);
        for (int p = 0; p < params.size(); p++) {
            if (active == null || active[p]) {
                u.apply(p, 0, params.get(p).length());
            }
        }
    }

    /** Allocates and counts serially; the returned update only reads these per-parameter constants. */
    @Override
    public Update begin(List<Param> params, double lr, boolean[] active) {
        while (m.size() < params.size()) {
            m.add(null);
            v.add(null);
            steps.add(new int[1]);
        }
        int np = params.size();
        if (stepSizes.length < np) {
            stepSizes = new float[np];
            invSqrtC2s = new float[np];
        }
        float a = (float) lr;
        for (int p = 0; p < np; p++) {
            if (active != null && !active[p]) {
                continue;
            }
            float[] w = params.get(p).value();
            if (m.get(p) == null || m.get(p).length < w.length) {
                m.set(p, new float[w.length]);
                v.set(p, new float[w.length]);
            }
            int t = ++steps.get(p)[0];
            float c1 = (float) (1 - Math.pow(beta1, t));
            float c2 = (float) (1 - Math.pow(beta2, t));
            stepSizes[p] = a / c1;
            invSqrtC2s[p] = (float) (1.0 / Math.sqrt(c2));
        }
        current = params;
        rate = a;
        return update;
    }

    /** The step {@link #begin} prepared last (the parameters, the rate, per-parameter constants). */
    private List<Param> current;
    private float rate;
    private float[] stepSizes = new float[0];
    private float[] invSqrtC2s = new float[0];
    private final Update update = this::applyOne;

    private void applyOne(int p, int from, int to) {
        update(current.get(p), m.get(p), v.get(p), rate, stepSizes[p], invSqrtC2s[p], from, to);
    }

    private void update(Param pr, float[] mp, float[] vp, float a, float stepSize, float invSqrtC2, int from, int to) {
        // The backend's loop: vectorized, and it flushes subnormal moments (see Kernels#adam).
        Kernels.get().adam(pr.value(), pr.grad(), mp, vp, from, to, beta1, beta2, stepSize, invSqrtC2, epsilon,
                decoupled, weightDecay, a * weightDecay);
    }

    @Override
    public void reset() {
        for (int p = 0; p < m.size(); p++) {
            if (m.get(p) != null) {
                Arrays.fill(m.get(p), 0f);
                Arrays.fill(v.get(p), 0f);
            }
            steps.get(p)[0] = 0;
        }
    }

    @Override
    public OptimizerState saveState() {
        Map<String, float[]> a = new LinkedHashMap<>();
        Map<String, Long> c = new LinkedHashMap<>();
        for (int p = 0; p < steps.size(); p++) {
            c.put("t." + p, (long) steps.get(p)[0]);
            if (m.get(p) != null) {
                a.put("m." + p, m.get(p));
                a.put("v." + p, v.get(p));
            }
        }
        return new OptimizerState(a, c);
    }

    @Override
    public void restoreState(OptimizerState state) {
        m.clear();
        v.clear();
        steps.clear();
        for (int p = 0; state.counters().containsKey("t." + p); p++) {
            steps.add(new int[] {Math.toIntExact(state.counters().get("t." + p))});
            float[] mp = state.arrays().get("m." + p);
            m.add(mp == null ? null : mp.clone());
            float[] vp = state.arrays().get("v." + p);
            v.add(vp == null ? null : vp.clone());
        }
    }
}

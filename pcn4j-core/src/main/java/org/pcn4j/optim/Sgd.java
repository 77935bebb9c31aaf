package org.pcn4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.kernel.Kernels;

/**
 * SGD with optional (Nesterov) momentum and L2 weight decay, as PyTorch defines them:
 * g' = g + wd w; v = m v + g'; w -= lr (nesterov ? g' + m v : v).
 */
final class Sgd implements Optimizer {
    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;
    private final List<float[]> velocity = new ArrayList<>();

    public Sgd(double momentum, boolean nesterov, double weightDecay) {
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
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

    /** Allocates the velocities serially; the returned update writes only its range. */
    @Override
    public Update begin(List<Param> params, double lr, boolean[] active) {
        if (momentum != 0f) {
            for (int p = 0; p < params.size(); p++) {
                if (active == null || active[p]) {
                    state(p, params.get(p).value().length);
                }
            }
        }
        current = params;
        rate = (float) lr;
        return update;
    }

    /** The step {@link #begin} prepared last. */
    private List<Param> current;
    private float rate;
    private final Update update = this::applyOne;

    private void applyOne(int p, int from, int to) {
        update(current.get(p), momentum == 0f ? null : velocity.get(p), rate, from, to);
    }

    private void update(Param pr, float[] v, float a, int from, int to) {
        float[] w = pr.value();
        float[] g = pr.grad();
        if (momentum == 0f) {
            if (weightDecay == 0f) {
                for (int i = from; i < to; i++) {
                    w[i] -= a * g[i];
                }
            } else {
                for (int i = from; i < to; i++) {
                    w[i] -= a * (g[i] + weightDecay * w[i]);
                }
            }
            return;
        }
        // The backend's loop: vectorized, and it flushes subnormal velocities (see Kernels#sgdMomentum).
        Kernels.get().sgdMomentum(w, g, v, from, to, a, momentum, nesterov, weightDecay);
    }

    private float[] state(int p, int len) {
        while (velocity.size() <= p) {
            velocity.add(null);
        }
        float[] v = velocity.get(p);
        if (v == null || v.length < len) {
            v = new float[len];
            velocity.set(p, v);
        }
        return v;
    }

    @Override
    public void reset() {
        for (float[] v : velocity) {
            if (v != null) {
                java.util.Arrays.fill(v, 0f);
            }
        }
    }

    @Override
    public OptimizerState saveState() {
        Map<String, float[]> a = new LinkedHashMap<>();
        for (int p = 0; p < velocity.size(); p++) {
            if (velocity.get(p) != null) {
                a.put("velocity." + p, velocity.get(p));
            }
        }
        return new OptimizerState(a, Map.of("slots", (long) velocity.size()));
    }

    @Override
    public void restoreState(OptimizerState state) {
        velocity.clear();
        long slots = state.counters().getOrDefault("slots", 0L);
        for (int p = 0; p < slots; p++) {
            float[] vp = state.arrays().get("velocity." + p);
            velocity.add(vp == null ? null : vp.clone());
        }
    }
}

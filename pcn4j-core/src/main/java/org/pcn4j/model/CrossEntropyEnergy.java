package org.pcn4j.model;

import org.pcn4j.kernel.Kernels;

/**
 * Cross-entropy of the state x (one-hot or a distribution) under softmax(mu):
 * F = sum x (log x - log softmax(mu)), eps = x - softmax(mu). A free node sits at its minimum
 * x = softmax(mu), so its own share of dF/dx is zero.
 */
final class CrossEntropyEnergy implements Energy {
    static final CrossEntropyEnergy INSTANCE = new CrossEntropyEnergy();

    private CrossEntropyEnergy() {}

    @Override
    public String id() {
        return "cross_entropy";
    }

    @Override
    public void initialState(float[] mu, float[] x, int batch, int size) {
        Kernels.get().softmax(mu, 0, x, 0, batch, size);
    }

    @Override
    public boolean settle(float[] mu, float[] x, int batch, int size) {
        Kernels.get().softmax(mu, 0, x, 0, batch, size);
        return true;
    }

    @Override
    public void errors(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int batch, int size,
                       float precision) {
        errorsRows(x, mu, eps, sampleEnergy, scratch, 0, batch, size, precision);
    }

    @Override
    public boolean rowwise() {
        return true;
    }

    @Override
    public void initialStateRows(float[] mu, float[] x, int r0, int r1, int size) {
        Kernels.get().softmax(mu, r0 * size, x, r0 * size, r1 - r0, size);
    }

    @Override
    public boolean settleRows(float[] mu, float[] x, int r0, int r1, int size) {
        Kernels.get().softmax(mu, r0 * size, x, r0 * size, r1 - r0, size);
        return true;
    }

    @Override
    public void errorsRows(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int r0, int r1,
                           int size, float precision) {
        float[] logp = scratch;
        Kernels.get().logSoftmax(mu, r0 * size, logp, r0 * size, r1 - r0, size);
        for (int r = r0; r < r1; r++) {
            int o = r * size;
            float s = 0;
            for (int j = 0; j < size; j++) {
                float xv = x[o + j];
                eps[o + j] = xv - (float) Math.exp(logp[o + j]);
                if (xv > 0) {
                    s += xv * ((float) Math.log(xv) - logp[o + j]);
                }
            }
            sampleEnergy[r] = s;
        }
    }

    @Override
    public boolean stateGradientRows(float[] eps, boolean epsNonZero, float[] grad, int from, int to) {
        java.util.Arrays.fill(grad, from, to, 0f);
        return false;
    }

    @Override
    public boolean stateGradient(float[] eps, boolean epsNonZero, float[] grad, int len) {
        java.util.Arrays.fill(grad, 0, len, 0f);
        return false;
    }

    @Override
    public float[] answer(float[] state, float[] prediction) {
        return state;
    }

    @Override
    public double loss(float[] answer, float[] target, int batch, int size) {
        double s = 0;
        for (int i = 0; i < batch * size; i++) {
            if (target[i] > 0) {
                s -= target[i] * Math.log(Math.max(answer[i], 1e-30));
            }
        }
        return s / batch;
    }

    @Override
    public String toString() {
        return id();
    }
}

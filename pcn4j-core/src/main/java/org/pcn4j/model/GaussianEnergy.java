package org.pcn4j.model;

/**
 * pi/2 |x - mu|^2 with the node's precision pi: eps = pi (x - mu), dF/dx = eps. A small output
 * precision makes the output a weak, soft target: PC's equilibrium then approaches backprop
 * (Whittington and Bogacz 2017).
 */
final class GaussianEnergy implements Energy {
    static final GaussianEnergy INSTANCE = new GaussianEnergy();

    private GaussianEnergy() {}

    @Override
    public String id() {
        return "gaussian";
    }

    @Override
    public void initialState(float[] mu, float[] x, int batch, int size) {
        System.arraycopy(mu, 0, x, 0, batch * size);
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
        System.arraycopy(mu, r0 * size, x, r0 * size, (r1 - r0) * size);
    }

    @Override
    public void errorsRows(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int r0, int r1,
                           int size, float precision) {
        float pi = precision;
        int lo = r0 * size;
        int hi = r1 * size;
        float[] diff = scratch.length >= hi ? scratch : new float[hi];
        // The differences and errors in one loop C2 vectorizes; then the energies from the stored
        // differences, four rows at a time. Each row's energy is still one float sum in increasing
        // j (the same bits as the plain loop, and whichever rows a call covers), but the four sums
        // are independent, so their adds overlap instead of each waiting on the one before. The
        // plain loop was 3-7 % of a PC step (issue 12 profile, docs/step-speed.md).
        for (int i = lo; i < hi; i++) {
            float d = x[i] - mu[i];
            diff[i] = d;
            eps[i] = pi * d;
        }
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int o0 = r * size;
            int o1 = o0 + size;
            int o2 = o1 + size;
            int o3 = o2 + size;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int j = 0; j < size; j++) {
                float d0 = diff[o0 + j];
                float d1 = diff[o1 + j];
                float d2 = diff[o2 + j];
                float d3 = diff[o3 + j];
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            sampleEnergy[r] = 0.5f * pi * s0;
            sampleEnergy[r + 1] = 0.5f * pi * s1;
            sampleEnergy[r + 2] = 0.5f * pi * s2;
            sampleEnergy[r + 3] = 0.5f * pi * s3;
        }
        for (; r < r1; r++) {
            int o = r * size;
            float s = 0;
            for (int j = 0; j < size; j++) {
                float d = diff[o + j];
                s += d * d;
            }
            sampleEnergy[r] = 0.5f * pi * s;
        }
    }

    @Override
    public boolean stateGradientRows(float[] eps, boolean epsNonZero, float[] grad, int from, int to) {
        System.arraycopy(eps, from, grad, from, to - from);
        return epsNonZero;
    }

    @Override
    public boolean stateGradient(float[] eps, boolean epsNonZero, float[] grad, int len) {
        System.arraycopy(eps, 0, grad, 0, len);
        return epsNonZero;
    }

    @Override
    public float[] answer(float[] state, float[] prediction) {
        return prediction;
    }

    @Override
    public double loss(float[] answer, float[] target, int batch, int size) {
        double s = 0;
        for (int i = 0; i < batch * size; i++) {
            double d = target[i] - answer[i];
            s += 0.5 * d * d;
        }
        return s / batch;
    }

    @Override
    public String toString() {
        return id();
    }
}

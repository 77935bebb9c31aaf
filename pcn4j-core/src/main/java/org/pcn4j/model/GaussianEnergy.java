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
        float pi = precision;
        for (int r = 0; r < batch; r++) {
            int o = r * size;
            float s = 0;
            for (int j = 0; j < size; j++) {
                float d = x[o + j] - mu[o + j];
                eps[o + j] = pi * d;
                s += d * d;
            }
            sampleEnergy[r] = 0.5f * pi * s;
        }
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

package org.pcn4j.temporal;

import org.pcn4j.model.Energy;

/**
 * A Gaussian node energy with a full precision matrix: {@code F = pi/2 (x - mu)^T P (x - mu)},
 * {@code eps = -dF/dmu = pi P (x - mu)}, the node's own dF/dx = eps (pi is the node's scalar
 * precision, 1 for tPC). The engine's {@link Energy#GAUSSIAN} is the isotropic case P = I; tPC
 * needs Q^-1 and R^-1 as given (the Kalman comparison is about them), so this is the same energy
 * with a matrix. Each sample's product and energy are summed in double and stored as float, so a
 * correlated P costs no more rounding than the isotropic energy.
 */
public final class PrecisionEnergy implements Energy {
    private final int size;
    /** P, row-major [size x size], symmetric positive definite. */
    private final double[] p;

    /** {@code precision} is P (for tPC: Q^-1 or R^-1), checked square and symmetric. */
    public PrecisionEnergy(double[][] precision) {
        size = precision.length;
        p = new double[size * size];
        for (int i = 0; i < size; i++) {
            if (precision[i].length != size) {
                throw new IllegalArgumentException("precision matrix is not square");
            }
            for (int j = 0; j < size; j++) {
                double v = precision[i][j];
                if (Math.abs(v - precision[j][i]) > 1e-9 * (Math.abs(v) + Math.abs(precision[j][i]) + 1e-300)) {
                    throw new IllegalArgumentException("precision matrix is not symmetric at [" + i + "][" + j + "]");
                }
                p[i * size + j] = v;
            }
        }
    }

    @Override
    public String id() {
        return "gaussian_precision";
    }

    @Override
    public void initialState(float[] mu, float[] x, int batch, int size) {
        System.arraycopy(mu, 0, x, 0, batch * size);
    }

    @Override
    public void errors(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int batch, int size,
                       float precision) {
        check(size);
        double[] d = new double[size];
        for (int r = 0; r < batch; r++) {
            int o = r * size;
            for (int j = 0; j < size; j++) {
                d[j] = (double) x[o + j] - mu[o + j];
            }
            double energy = 0;
            for (int i = 0; i < size; i++) {
                double s = 0;
                int row = i * size;
                for (int j = 0; j < size; j++) {
                    s += p[row + j] * d[j];
                }
                s *= precision;
                eps[o + i] = (float) s;
                energy += d[i] * s;
            }
            sampleEnergy[r] = (float) (0.5 * energy);
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

    /** The energy of the answer against the target, {@code 1/2 |t - a|^2_P}, averaged over the batch. */
    @Override
    public double loss(float[] answer, float[] target, int batch, int size) {
        check(size);
        double total = 0;
        for (int r = 0; r < batch; r++) {
            int o = r * size;
            for (int i = 0; i < size; i++) {
                double s = 0;
                for (int j = 0; j < size; j++) {
                    s += p[i * size + j] * ((double) target[o + j] - answer[o + j]);
                }
                total += 0.5 * ((double) target[o + i] - answer[o + i]) * s;
            }
        }
        return total / batch;
    }

    private void check(int n) {
        if (n != size) {
            throw new IllegalArgumentException("a " + size + "x" + size + " precision on a node of size " + n);
        }
    }

    @Override
    public String toString() {
        return id();
    }
}

package org.pcn4j.train;

import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;

/**
 * An independent double-precision MLP with textbook backpropagation, used to check the PC engine.
 * Loss: 1/2 |y - out|^2 summed over outputs (or cross-entropy of softmax), averaged over the batch.
 */
final class ReferenceMlp {
    final int[] sizes;
    final double[][][] w; // [layer][out][in]
    final double[][] b;
    final Activation f;
    final Activation fOut;
    final Convention conv;
    final Energy energy;

    ReferenceMlp(Mlp mlp) {
        this.sizes = mlp.spec().layerSizes();
        int depth = sizes.length - 1;
        w = new double[depth][][];
        b = new double[depth][];
        for (int l = 0; l < depth; l++) {
            DenseEdge e = mlp.layers().get(l);
            w[l] = new double[sizes[l + 1]][sizes[l]];
            b[l] = new double[sizes[l + 1]];
            for (int i = 0; i < sizes[l + 1]; i++) {
                for (int j = 0; j < sizes[l]; j++) {
                    w[l][i][j] = e.weight().get(i, j);
                }
                b[l][i] = e.bias()[i];
            }
        }
        f = mlp.spec().activation();
        fOut = mlp.spec().outputActivation();
        conv = mlp.spec().convention();
        energy = mlp.spec().outputEnergy();
    }

    private Activation act(int l) {
        int depth = sizes.length - 1;
        if (conv == Convention.POST) {
            return l == depth - 1 ? fOut : f;
        }
        return f;
    }

    /** Gradients of the mean loss: returns {dW[l][i][j], db[l][i]} packed as double[layer][] flattened W then b. */
    double[][] gradients(float[] x, float[] y, int batch) {
        int depth = sizes.length - 1;
        double[][] grads = new double[depth][];
        for (int l = 0; l < depth; l++) {
            grads[l] = new double[sizes[l + 1] * sizes[l] + sizes[l + 1]];
        }
        for (int s = 0; s < batch; s++) {
            double[][] xs = new double[depth + 1][];
            double[][] as = new double[depth + 1][];
            xs[0] = new double[sizes[0]];
            for (int j = 0; j < sizes[0]; j++) {
                xs[0][j] = x[s * sizes[0] + j];
            }
            for (int l = 0; l < depth; l++) {
                Activation a = act(l);
                double[] in = xs[l];
                double[] src = new double[in.length];
                for (int j = 0; j < in.length; j++) {
                    src[j] = conv == Convention.PRE ? a.apply(in[j]) : in[j];
                }
                double[] pre = new double[sizes[l + 1]];
                double[] out = new double[sizes[l + 1]];
                for (int i = 0; i < sizes[l + 1]; i++) {
                    double v = b[l][i];
                    for (int j = 0; j < sizes[l]; j++) {
                        v += w[l][i][j] * src[j];
                    }
                    pre[i] = v;
                    out[i] = conv == Convention.POST ? a.apply(v) : v;
                }
                as[l + 1] = pre;
                xs[l + 1] = out;
            }
            // dL/d out
            int nOut = sizes[depth];
            double[] dOut = new double[nOut];
            if (energy == Energy.CROSS_ENTROPY) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : xs[depth]) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : xs[depth]) {
                    sum += Math.exp(v - max);
                }
                for (int i = 0; i < nOut; i++) {
                    dOut[i] = Math.exp(xs[depth][i] - max) / sum - y[s * nOut + i];
                }
            } else {
                for (int i = 0; i < nOut; i++) {
                    dOut[i] = xs[depth][i] - y[s * nOut + i];
                }
            }
            double[] dx = dOut;
            for (int l = depth - 1; l >= 0; l--) {
                Activation a = act(l);
                double[] da = new double[sizes[l + 1]];
                for (int i = 0; i < da.length; i++) {
                    da[i] = conv == Convention.POST ? dx[i] * a.derivative(as[l + 1][i]) : dx[i];
                }
                double[] src = new double[sizes[l]];
                for (int j = 0; j < sizes[l]; j++) {
                    src[j] = conv == Convention.PRE ? a.apply(xs[l][j]) : xs[l][j];
                }
                double[] g = grads[l];
                for (int i = 0; i < sizes[l + 1]; i++) {
                    for (int j = 0; j < sizes[l]; j++) {
                        g[i * sizes[l] + j] += da[i] * src[j] / batch;
                    }
                    g[sizes[l + 1] * sizes[l] + i] += da[i] / batch;
                }
                double[] dprev = new double[sizes[l]];
                for (int j = 0; j < sizes[l]; j++) {
                    double v = 0;
                    for (int i = 0; i < sizes[l + 1]; i++) {
                        v += w[l][i][j] * da[i];
                    }
                    dprev[j] = conv == Convention.PRE ? v * a.derivative(xs[l][j]) : v;
                }
                dx = dprev;
            }
        }
        return grads;
    }
}

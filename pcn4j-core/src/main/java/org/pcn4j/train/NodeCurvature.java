package org.pcn4j.train;

import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;

/**
 * The largest curvature of the energy along each free node's own states, lambda_n = sigma_max of
 * the diagonal block d2F/dx_n2 = pi_n I + sum over its outgoing edges of pi_c J^T J, by a few
 * power iterations on finite differences of the engine's own state gradients (so any edge kind
 * works). Inference divides each node's step by lambda_n / pi_n (Jacobi preconditioning): on a
 * chain of nodes the energy's Hessian A is 2-cyclic, so A < 2 blockdiag(A) and steps of gamma pi_n
 * < 2 relative to each node's own curvature are stable however large the edges' gains grow; one
 * global rate must instead fit the stiffest node (a wide dense edge under a high-precision node)
 * and starves the others.
 */
final class NodeCurvature {
    /** Power iterations per node: the estimate only sets a step size, so a rough one serves. */
    static final int ITERATIONS = 4;

    private NodeCurvature() {}

    /**
     * {@code lambda_n / pi_n} (at least 1) for each of {@code nodes} at the network's current states,
     * which are left exactly as found (predictions and errors recomputed); with {@code reference} P > 0,
     * {@code max(pi_n, lambda_n) / P} instead (the same numbers when pi_n = P). {@code seed} fixes the
     * start vectors, so the estimate is the same at any thread count.
     */
    static double[] relative(PcNetwork net, List<Node> nodes, long seed, double reference) {
        int b = net.batch();
        double[] out = new double[nodes.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        net.computePredictionsAndErrors();
        net.computeStateGradients();
        float[][] g0 = new float[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            g0[i] = java.util.Arrays.copyOf(n.gradient(), b * n.size());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            int len = b * n.size();
            float[] x = n.state();
            float[] keep = java.util.Arrays.copyOf(x, len);
            double rms = 0;
            for (int j = 0; j < len; j++) {
                rms += (double) keep[j] * keep[j];
            }
            double eps = 1e-3 * Math.max(Math.sqrt(rms / len), 1e-2);
            double[] v = new double[len];
            for (int j = 0; j < len; j++) {
                v[j] = rng.nextDouble(-1, 1);
            }
            double lambda = n.precision();
            for (int it = 0; it < ITERATIONS; it++) {
                double norm = norm(v) / Math.sqrt(len); // v at rms 1
                for (int j = 0; j < len; j++) {
                    x[j] = (float) (keep[j] + eps * v[j] / norm);
                }
                n.touch();
                net.computePredictionsAndErrors();
                net.computeStateGradients();
                float[] g = n.gradient();
                double dot = 0;
                for (int j = 0; j < len; j++) {
                    double hv = (g[j] - g0[i][j]) / eps; // H v, v at rms 1
                    dot += hv * v[j] / norm;
                    v[j] = hv;
                }
                lambda = Math.max(lambda, dot / len); // Rayleigh quotient of the rms-1 vector
                if (norm(v) == 0) {
                    break;
                }
            }
            System.arraycopy(keep, 0, x, 0, len);
            n.touch();
            out[i] = reference > 0 ? Math.max(n.precision(), lambda) / reference : Math.max(1, lambda / n.precision());
        }
        net.computePredictionsAndErrors();
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }
}

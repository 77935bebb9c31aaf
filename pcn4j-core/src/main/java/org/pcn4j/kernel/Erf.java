package org.pcn4j.kernel;

/** The error function in double precision: the reference the float kernels are tested against. */
final class Erf {
    private Erf() {}

    /**
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): every term is positive,
     * so there is no cancellation, and the sum converges for all x. Beyond |x| = 6, erf is +-1 to
     * double precision.
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax >= 6) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        return x < 0 ? -r : r;
    }
}

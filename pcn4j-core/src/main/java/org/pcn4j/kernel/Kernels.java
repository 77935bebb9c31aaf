package org.pcn4j.kernel;

/**
 * The numeric backend: everything heavy that pcn4j computes goes through this small interface, so a
 * vectorized, multi-threaded or GPU implementation can slot in without touching the engine.
 *
 * <p>All arrays are float32, row-major. Methods take an array, an offset and (for matrices) a row
 * stride, BLAS-style, so callers can address sub-blocks without copying.
 */
public interface Kernels {

    /** A short name for logs and benchmarks, e.g. {@code "vector-512"} or {@code "scalar"}. */
    String name();

    /**
     * C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n. With
     * {@code transA}, A is stored k x m (row stride lda >= m); otherwise m x k (lda >= k). Likewise B.
     * beta = 0 overwrites C (NaNs in C are not propagated).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** y[i] = f(x[i]) for i in [0, n). y may be x. */
    void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int n);

    /** y[i] = f'(x[i]) for i in [0, n). y may be x. */
    void activateDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, int n);

    /** Row-wise softmax of a rows x cols block (stride cols). y may be x. */
    void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** Row-wise log-softmax of a rows x cols block (stride cols). y may be x. */
    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** The backend chosen for this JVM (see {@link Backends}). */
    static Kernels get() {
        return Backends.current();
    }
}

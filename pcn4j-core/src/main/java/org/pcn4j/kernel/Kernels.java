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

    /** The GEMM microkernel this backend runs, for benchmarks and logs, e.g. {@code "8x2L, narrow 8x1L (L=16, ...)"}. */
    default String gemmKernel() {
        return "scalar loops";
    }

    /**
     * C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n. With
     * {@code transA}, A is stored k x m (row stride lda >= m); otherwise m x k (lda >= k). Likewise B.
     * beta = 0 overwrites C (NaNs in C are not propagated).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * A right-hand matrix op(B) (k x n) prepared once for many products, e.g. a weight matrix
     * during inference, where it stays fixed while the left-hand side changes every step. Valid
     * while the array it was made from is unchanged.
     */
    interface PackedMatrix {
        int k();

        int n();
    }

    /** The portable form: a reference to B, used by backends that do not pack. */
    record Unpacked(boolean transB, int k, int n, float[] b, int bOff, int ldb) implements PackedMatrix {}

    /**
     * Prepares op(B) for {@link #sgemm(boolean, int, float, float[], int, int, PackedMatrix, float, float[], int, int)};
     * {@code reuse} (a matrix from an earlier call, or null) may be recycled when its shape fits.
     */
    default PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedMatrix reuse) {
        return new Unpacked(transB, k, n, b, bOff, ldb);
    }

    /**
     * Does now, on the calling thread (or split over the kernel threads when called outside a
     * task), whatever work a product of {@code m} rows with {@code b} would do first to prepare
     * b (packing it), so that work can run where the caller has spare threads. Never changes a
     * result; the default does nothing.
     */
    default void prepare(PackedMatrix b, int m) {}

    /** C = alpha * op(A) * B + beta * C with a prepared B; bit-identical to the unprepared sgemm. */
    default void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                       float beta, float[] c, int cOff, int ldc) {
        Unpacked u = (Unpacked) b;
        sgemm(transA, u.transB(), m, u.n(), u.k(), alpha, a, aOff, lda, u.b(), u.bOff(), u.ldb(), beta, c, cOff, ldc);
    }

    /**
     * Rows [r0, r1) of {@link #sgemm(boolean, int, float, float[], int, int, PackedMatrix, float, float[], int, int)}
     * with {@code m} rows, on the calling thread: the same bits the whole product writes there,
     * whichever path (direct or blocked loops) the rows alone would take. The batch schedule
     * ({@code org.pcn4j.model.ParallelSchedule#BATCH}) runs a product's row ranges on different
     * threads at once with it; b must then be {@link #prepare prepared} for m rows first, so that
     * no call packs it. Backends whose per-element arithmetic depends on m must override this and
     * {@link #rowsExact()}; the default runs the rows as a product of their own.
     */
    default void sgemmRows(boolean transA, int m, int r0, int r1, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                           float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, r1 - r0, alpha, a, transA ? aOff + r0 : aOff + r0 * lda, lda, b, beta, c, cOff + r0 * ldc, ldc);
    }

    /** Whether {@link #sgemmRows} is exact (the built-in backends); false keeps the batch schedule off. */
    default boolean rowsExact() {
        return false;
    }

    /** y[i] = f(x[i]) for i in [0, n). y may be x. */
    void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int n);

    /** y[i] = f'(x[i]) for i in [0, n). y may be x. */
    void activateDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * y[i] = f(x[i]) and dy[i] = f'(x[i]) for i in [0, n) in one pass: the same values as
     * {@link #activate} and {@link #activateDerivative}, with one exponential per element instead
     * of two where f's value and slope share it (tanh, sigmoid on the vector backend). y may be x;
     * dy must not overlap x or y.
     */
    default void activateWithDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        activateDerivative(f, x, xOff, dy, dyOff, n); // first: y may overwrite x
        activate(f, x, xOff, y, yOff, n);
    }

    /** Row-wise softmax of a rows x cols block (stride cols). y may be x. */
    void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** Row-wise log-softmax of a rows x cols block (stride cols). y may be x. */
    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /**
     * One Adam step on elements [from, to) of a parameter: with g = grad (+ l2 * w when not
     * {@code decoupled}), m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g g,
     * w -= stepSize m / (sqrt(v) invSqrtC2 + eps) (+ decay w when {@code decoupled}). Every
     * backend gives the same bits (plain multiplies and adds in this order, no fused ones).
     *
     * <p>A moment below {@link Float#MIN_NORMAL} is stored as zero. A weight whose gradient is
     * exactly zero for a while (a dead unit, a constant input pixel, a batch the network fits
     * exactly) has m decaying by beta1 per step into the subnormal range, where Intel cores take a
     * microcode assist on every vector instruction that touches one: on a Xeon (AVX-512) Adam grew
     * from 6.5 % to 22.7 % of a 784-128-128-10 PC step after 8 s of bench step. The flushed
     * values are below 1.2e-38, so the update they would have made is below eps's resolution.
     */
    default void adam(float[] w, float[] grad, float[] m, float[] v, int from, int to, float beta1, float beta2,
                      float stepSize, float invSqrtC2, float eps, boolean decoupled, float l2, float decay) {
        ScalarMath.adam(w, grad, m, v, from, to, beta1, beta2, stepSize, invSqrtC2, eps, decoupled, l2, decay);
    }

    /**
     * One SGD step with momentum on elements [from, to): g = grad + l2 w, v = momentum v + g,
     * w -= lr (nesterov ? g + momentum v : v), as PyTorch defines it; the same bits on every
     * backend. A velocity below {@link Float#MIN_NORMAL} is stored as zero, for the reason given at
     * {@link #adam}. Measured on a Xeon: the unflushed loop takes 2.9 ns per element over subnormal
     * velocities against 0.19 over normal ones; 500 steps of momentum 0.9 on 100 k zero-gradient
     * weights whose velocities start at 1e-30 took 185 ms unflushed and 27 ms with the flush.
     */
    default void sgdMomentum(float[] w, float[] grad, float[] v, int from, int to, float lr, float momentum,
                             boolean nesterov, float l2) {
        ScalarMath.sgdMomentum(w, grad, v, from, to, lr, momentum, nesterov, l2);
    }

    /** The backend chosen for this JVM (see {@link Backends}). */
    static Kernels get() {
        return Backends.current();
    }
}

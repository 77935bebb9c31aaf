package org.pcn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}): packed, register-blocked, multi-threaded
 * SGEMM ({@link VectorGemm}) and vectorized activations and softmax ({@link VectorMath}).
 *
 * <p>Only load this class when {@link Backends#vectorApiAvailable()} is true; {@link Backends}
 * does so reflectively.
 *
 * <p>Results do not depend on the thread count: work is split so that every element of C is
 * computed by the same operations in the same order.
 *
 * <p>Over 400 lines: one Vector API loop per kernel (activations, softmax, GEMM entry points), each
 * kept straight-line in its own method so C2 compiles it; splitting would only scatter them.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * The microkernel shape for this machine: the table in {@link GemmShape}, or the one forced by
     * {@code -Dpcn4j.gemm.kernel}; chosen once per JVM (a bad setting warns once).
     */
    private static final GemmShape DEFAULT_SHAPE = GemmShape.choose(GemmShape.setting(), S.vectorBitSize(),
            System.getProperty("os.arch"), Runtime.version().feature(), System.err::println);

    private final int threads;
    private final GemmShape shape;

    /** Uses {@link Backends#threads()} threads, read at each call. */
    public VectorKernels() {
        this(0);
    }

    /** Uses exactly {@code threads} threads for large GEMMs; 0 means {@link Backends#threads()}. */
    public VectorKernels(int threads) {
        this(threads, DEFAULT_SHAPE);
    }

    /**
     * With a named microkernel shape ("8x2", "6x2", "5x2" or "4x2"), used as given even where it
     * spills (benchmarks and tests compare shapes this way); results are the same bits for every shape.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public VectorKernels(int threads, String gemmKernel) {
        this(threads, GemmShape.named(gemmKernel, S.vectorBitSize(), System.getProperty("os.arch")));
    }

    private VectorKernels(int threads, GemmShape shape) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.threads = threads;
        this.shape = shape;
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /** E.g. "8x2L, narrow 8x1L (L=16, KC=256, NC=512, MC=128)". */
    @Override
    public String gemmKernel() {
        return shape + " (L=" + L + ", KC=" + VectorGemm.KC + ", NC=" + VectorGemm.NC + ", MC=" + VectorGemm.MC + ")";
    }

    /** The shape's MR (rows per micro-panel). */
    public int gemmRows() {
        return shape.rows();
    }

    /** Floats per vector on this JVM (16 with AVX-512). */
    public static int lanes() {
        return L;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        VectorGemm.sgemm(shape, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                threads == 0 ? Backends.threads() : threads);
    }

    @Override
    public PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedMatrix reuse) {
        return VectorGemm.pack(transB, k, n, b, bOff, ldb, reuse instanceof VectorGemm.Packed ? (VectorGemm.Packed) reuse : null);
    }

    @Override
    public void prepare(PackedMatrix b, int m) {
        if (b instanceof VectorGemm.Packed) {
            VectorGemm.prepare((VectorGemm.Packed) b, m, threads == 0 ? Backends.threads() : threads);
        }
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                      float beta, float[] c, int cOff, int ldc) {
        if (b instanceof VectorGemm.Packed) {
            VectorGemm.sgemm(shape, transA, m, alpha, a, aOff, lda, (VectorGemm.Packed) b, beta, c, cOff, ldc,
                    threads == 0 ? Backends.threads() : threads);
        } else {
            Kernels.super.sgemm(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
        }
    }

    @Override
    public void sgemmRows(boolean transA, int m, int r0, int r1, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                          float beta, float[] c, int cOff, int ldc) {
        if (b instanceof VectorGemm.Packed) {
            VectorGemm.sgemmRows(shape, transA, m, r0, r1, alpha, a, aOff, lda, (VectorGemm.Packed) b, beta, c, cOff, ldc);
        } else {
            Unpacked u = (Unpacked) b;
            VectorGemm.sgemmRows(shape, transA, u.transB(), m, r0, r1, u.n(), u.k(), alpha, a, aOff, lda, u.b(), u.bOff(),
                    u.ldb(), null, beta, c, cOff, ldc);
        }
    }

    @Override
    public boolean rowsExact() {
        return true;
    }

    @Override
    public void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
        apply(f, false, x, xOff, y, yOff, n);
    }

    @Override
    public void activateDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
        apply(f, true, x, xOff, y, yOff, n);
    }

    /** Per thread: padded tails for the elementwise loops (x, y, dy), so no call allocates. */
    private static final ThreadLocal<float[][]> TAILS = ThreadLocal.withInitial(() -> new float[][] {new float[L], new float[L], new float[L]});

    private static void apply(Activation f, boolean derivative, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n <= 0) {
            return;
        }
        java.util.Objects.checkFromIndexSize(xOff, n, x.length);
        java.util.Objects.checkFromIndexSize(yOff, n, y.length);
        int nv = n / L * L;
        loop(f, derivative, x, xOff, y, yOff, nv);
        int rest = n - nv;
        if (rest > 0) {
            // The tail goes through the same vector code (padded), so each value's result does not
            // depend on its position.
            float[][] t = TAILS.get();
            float[] tx = t[0];
            float[] ty = t[1];
            java.util.Arrays.fill(tx, 0f);
            System.arraycopy(x, xOff + nv, tx, 0, rest);
            loop(f, derivative, tx, 0, ty, 0, L);
            System.arraycopy(ty, 0, y, yOff + nv, rest);
        }
    }

    @Override
    public void activateWithDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        if (f != Activation.TANH && f != Activation.SIGMOID) {
            Kernels.super.activateWithDerivative(f, x, xOff, y, yOff, dy, dyOff, n);
            return;
        }
        if (n <= 0) {
            return;
        }
        java.util.Objects.checkFromIndexSize(xOff, n, x.length);
        java.util.Objects.checkFromIndexSize(yOff, n, y.length);
        java.util.Objects.checkFromIndexSize(dyOff, n, dy.length);
        int nv = n / L * L;
        boolean tanh = f == Activation.TANH;
        if (tanh) {
            tanhBothLoop(x, xOff, y, yOff, dy, dyOff, nv);
        } else {
            sigmoidBothLoop(x, xOff, y, yOff, dy, dyOff, nv);
        }
        int rest = n - nv;
        if (rest > 0) {
            float[][] t = TAILS.get();
            java.util.Arrays.fill(t[0], 0f);
            System.arraycopy(x, xOff + nv, t[0], 0, rest);
            if (tanh) {
                tanhBothLoop(t[0], 0, t[1], 0, t[2], 0, L);
            } else {
                sigmoidBothLoop(t[0], 0, t[1], 0, t[2], 0, L);
            }
            System.arraycopy(t[1], 0, y, yOff + nv, rest);
            System.arraycopy(t[2], 0, dy, dyOff + nv, rest);
        }
    }

    /** tanh and its slope from one exp(-2|x|): the same bits as tanhLoop and tanhDerivativeLoop. */
    private static void tanhBothLoop(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector e = VectorMath.exp(v.abs().mul(-2f));
            VectorMath.tanhDerivativeOf(e).intoArray(dy, dyo + i);
            VectorMath.tanh(v, e).intoArray(y, yo + i);
        }
    }

    /** The sigmoid and its slope from one exp(-|x|). */
    private static void sigmoidBothLoop(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector e = VectorMath.exp(v.abs().neg());
            VectorMath.sigmoidDerivativeOf(e).intoArray(dy, dyo + i);
            VectorMath.sigmoid(v, e).intoArray(y, yo + i);
        }
    }

    /**
     * n is a multiple of L. Each activation has its own small loop method: one big method with all
     * of them would stop C2 from inlining the VectorMath calls, and a non-inlined call that passes
     * a FloatVector boxes it (about 10x slower).
     */
    private static void loop(Activation f, boolean derivative, float[] x, int xo, float[] y, int yo, int n) {
        if (!derivative) {
            switch (f) {
                case IDENTITY:
                    if (x != y || xo != yo) {
                        System.arraycopy(x, xo, y, yo, n);
                    }
                    return;
                case TANH:
                    tanhLoop(x, xo, y, yo, n);
                    return;
                case SIGMOID:
                    sigmoidLoop(x, xo, y, yo, n);
                    return;
                case RELU:
                    reluLoop(x, xo, y, yo, n);
                    return;
                case LEAKY_RELU:
                    leakyReluLoop(x, xo, y, yo, n);
                    return;
                case GELU:
                    geluLoop(x, xo, y, yo, n);
                    return;
                case GELU_TANH:
                    geluTanhLoop(x, xo, y, yo, n);
                    return;
                default:
                    throw new AssertionError(f);
            }
        }
        switch (f) {
            case IDENTITY:
                java.util.Arrays.fill(y, yo, yo + n, 1f);
                return;
            case TANH:
                tanhDerivativeLoop(x, xo, y, yo, n);
                return;
            case SIGMOID:
                sigmoidDerivativeLoop(x, xo, y, yo, n);
                return;
            case RELU:
                reluDerivativeLoop(x, xo, y, yo, n);
                return;
            case LEAKY_RELU:
                leakyReluDerivativeLoop(x, xo, y, yo, n);
                return;
            case GELU:
                geluDerivativeLoop(x, xo, y, yo, n);
                return;
            case GELU_TANH:
                geluTanhDerivativeLoop(x, xo, y, yo, n);
                return;
            default:
                throw new AssertionError(f);
        }
    }

    private static void tanhLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void tanhDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.tanhDerivative(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void sigmoidLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void sigmoidDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.sigmoidDerivative(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void geluLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.gelu(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void geluDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.geluDerivative(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void geluTanhLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.geluTanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void geluTanhDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.geluTanhDerivative(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void reluLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
    }

    private static void reluDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
    }

    private static void leakyReluLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(Activation.LEAKY_SLOPE).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
    }

    private static void leakyReluDerivativeLoop(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector.broadcast(S, Activation.LEAKY_SLOPE).blend(1f, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2, float stepSize,
                     float invSqrtC2, float eps, boolean decoupled, float l2, float decay) {
        java.util.Objects.checkFromToIndex(from, to, Math.min(Math.min(w.length, g.length), Math.min(m.length, v.length)));
        FloatVector vb1 = FloatVector.broadcast(S, b1);
        FloatVector vc1 = FloatVector.broadcast(S, 1 - b1);
        FloatVector vb2 = FloatVector.broadcast(S, b2);
        FloatVector vc2 = FloatVector.broadcast(S, 1 - b2);
        FloatVector vstep = FloatVector.broadcast(S, stepSize);
        FloatVector vinv = FloatVector.broadcast(S, invSqrtC2);
        FloatVector veps = FloatVector.broadcast(S, eps);
        FloatVector vl2 = FloatVector.broadcast(S, l2);
        FloatVector vdecay = FloatVector.broadcast(S, decay);
        FloatVector tiny = FloatVector.broadcast(S, Float.MIN_NORMAL);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector gi = FloatVector.fromArray(S, g, i);
            if (!decoupled) {
                gi = gi.add(vl2.mul(wv));
            }
            FloatVector mi = vb1.mul(FloatVector.fromArray(S, m, i)).add(vc1.mul(gi));
            FloatVector vi = vb2.mul(FloatVector.fromArray(S, v, i)).add(vc2.mul(gi).mul(gi));
            mi = mi.blend(0f, mi.abs().compare(VectorOperators.LT, tiny));
            vi = vi.blend(0f, vi.compare(VectorOperators.LT, tiny));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector upd = vstep.mul(mi).div(vi.sqrt().mul(vinv).add(veps));
            if (decoupled) {
                upd = upd.add(vdecay.mul(wv));
            }
            wv.sub(upd).intoArray(w, i);
        }
        ScalarMath.adam(w, g, m, v, i, to, b1, b2, stepSize, invSqrtC2, eps, decoupled, l2, decay);
    }

    @Override
    public void sgdMomentum(float[] w, float[] g, float[] v, int from, int to, float lr, float momentum, boolean nesterov,
                            float l2) {
        java.util.Objects.checkFromToIndex(from, to, Math.min(w.length, Math.min(g.length, v.length)));
        FloatVector vlr = FloatVector.broadcast(S, lr);
        FloatVector vmom = FloatVector.broadcast(S, momentum);
        FloatVector vl2 = FloatVector.broadcast(S, l2);
        FloatVector tiny = FloatVector.broadcast(S, Float.MIN_NORMAL);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector wv = FloatVector.fromArray(S, w, i);
            FloatVector gi = FloatVector.fromArray(S, g, i).add(vl2.mul(wv));
            FloatVector vi = vmom.mul(FloatVector.fromArray(S, v, i)).add(gi);
            vi = vi.blend(0f, vi.abs().compare(VectorOperators.LT, tiny));
            vi.intoArray(v, i);
            FloatVector step = nesterov ? gi.add(vmom.mul(vi)) : vi;
            wv.sub(vlr.mul(step)).intoArray(w, i);
        }
        ScalarMath.sgdMomentum(w, g, v, i, to, lr, momentum, nesterov, l2);
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        rowwise(false, x, xOff, y, yOff, rows, cols);
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        rowwise(true, x, xOff, y, yOff, rows, cols);
    }

    private static void rowwise(boolean log, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            return;
        }
        java.util.Objects.checkFromIndexSize(xOff, Math.multiplyExact(rows, cols), x.length);
        java.util.Objects.checkFromIndexSize(yOff, rows * cols, y.length);
        int cv = cols / L * L;
        int rest = cols - cv;
        float[][] scratch = TAILS.get();
        float[] tail = scratch[0];
        float[] lanes = scratch[1];
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            // max
            float max = Float.NEGATIVE_INFINITY;
            if (cv > 0) {
                FloatVector vm = FloatVector.fromArray(S, x, xo);
                for (int j = L; j < cv; j += L) {
                    vm = vm.max(FloatVector.fromArray(S, x, xo + j));
                }
                max = vm.reduceLanes(VectorOperators.MAX);
            }
            for (int j = cv; j < cols; j++) {
                max = Math.max(max, x[xo + j]);
            }
            // sum of exp(x - max); softmax stores the exponentials on the way
            FloatVector vmax = FloatVector.broadcast(S, max);
            FloatVector vs = FloatVector.zero(S);
            for (int j = 0; j < cv; j += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + j).sub(vmax));
                if (!log) {
                    e.intoArray(y, yo + j);
                }
                vs = vs.add(e);
            }
            if (rest > 0) {
                java.util.Arrays.fill(tail, Float.NEGATIVE_INFINITY);
                System.arraycopy(x, xo + cv, tail, 0, rest);
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, tail, 0).sub(vmax));
                e.intoArray(tail, 0);
                if (!log) {
                    System.arraycopy(tail, 0, y, yo + cv, rest);
                }
                vs = vs.add(e);
            }
            // Lanes summed in lane order by scalar adds: reduceLanes(ADD) leaves the order open, and
            // JDK 25's C2 uses another one than the interpreter and C1, so results depended on the
            // JIT state. (MAX above is exact in any order.)
            vs.intoArray(lanes, 0);
            float sum = VectorMath.sumInOrder(lanes, 0);
            if (log) {
                float lse = (float) (max + Math.log(sum));
                FloatVector vl = FloatVector.broadcast(S, lse);
                for (int j = 0; j < cv; j += L) {
                    FloatVector.fromArray(S, x, xo + j).sub(vl).intoArray(y, yo + j);
                }
                for (int j = cv; j < cols; j++) {
                    y[yo + j] = x[xo + j] - lse;
                }
            } else {
                float inv = 1f / sum;
                for (int j = 0; j < cv; j += L) {
                    FloatVector.fromArray(S, y, yo + j).mul(inv).intoArray(y, yo + j);
                }
                for (int j = cv; j < cols; j++) {
                    y[yo + j] *= inv;
                }
            }
        }
    }
}

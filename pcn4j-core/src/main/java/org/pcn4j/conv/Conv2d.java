package org.pcn4j.conv;

import java.util.Objects;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.ParallelFor;

/**
 * Batched 2-D convolution (nn.Conv2d semantics, cross-correlation) over NCHW float32 arrays, with
 * the three products a PC edge needs: {@link #forward} y = conv(x; W) + b, {@link #adjoint}
 * dx = conv^T(e; W) (the error reaching the source, a transposed convolution), and
 * {@link #weightGrad} / {@link #biasGrad} (dW = sum over the batch of the correlation of e with x,
 * i.e. E^T X on the im2col matrices). Weights are [out, in / groups, kh, kw] at offset 0.
 *
 * <p>Threads: forward and adjoint split the batch by sample; each sample is one im2col and one
 * GEMM per group on a single thread (for maps under 256 positions, chunks of samples side by side
 * in one GEMM that the kernels split over threads). The weight gradient walks the batch in chunks whose size
 * depends on the geometry only, lowering each chunk in parallel and summing it with one large
 * GEMM (which {@link Kernels#sgemm} splits over threads without changing any element's
 * arithmetic). So every result is bit-identical at any thread count.
 *
 * <p>Holds scratch buffers: not thread-safe; use one instance per thread.
 *
 * <p>Over 400 lines: the three products each have a per-sample and a chunked (small maps) form
 * that share the scratch buffers and thread split; apart they would need those as shared state.
 */
public final class Conv2d {
    /** A weight-gradient chunk spans at most this many output positions ... */
    private static final int CHUNK_COLUMNS = 8192;
    /** ... and its column matrix at most this many floats (16 MiB). */
    private static final int CHUNK_FLOATS = 1 << 22;

    /**
     * Forward and adjoint batch samples side by side below this many output positions per channel
     * (8x8 maps: +15 % measured); at 16x16 and up one GEMM per sample is faster (-15 % chunked).
     */
    private static final int CHUNK_PLANE = 256;

    private final ConvGeometry g;
    private final Kernels kernels;
    private final int threads;
    private float[][] cols = new float[0][];
    private float[] chunkCol;
    private float[] chunkErr;

    /** With the JVM's backend and {@link Backends#threads()} threads. */
    public Conv2d(ConvGeometry g) {
        this(g, null, 0);
    }

    /**
     * @param kernels the backend, or null for {@link Kernels#get()} at each call
     * @param threads how many threads to split the batch over; 0 for {@link Backends#threads()}
     */
    public Conv2d(ConvGeometry g, Kernels kernels, int threads) {
        this.g = Objects.requireNonNull(g);
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.kernels = kernels;
        this.threads = threads;
    }

    public ConvGeometry geometry() {
        return g;
    }

    private Kernels k() {
        return kernels == null ? Kernels.get() : kernels;
    }

    private int threads() {
        return threads == 0 ? Backends.threads() : threads;
    }

    /**
     * y[n] = conv(x[n]; W) + b for the n samples at x[xOff..] (n * inSize values), written to
     * y[yOff..] (n * outSize values).
     *
     * @param bias out_channels values, or null for none
     */
    public void forward(int n, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        check(n, x, xOff, g.inSize(), "x");
        check(n, y, yOff, g.outSize(), "y");
        checkWeights(w, bias);
        Kernels kern = k();
        int groups = g.groups();
        int og = g.outChannels() / groups;
        int patch = g.patch();
        int p = g.outPlane();
        if (g.outPlane() < CHUNK_PLANE && chunk(n) > 1) {
            forwardChunked(n, x, xOff, w, bias, y, yOff);
            return;
        }
        boolean identity = Im2col.isIdentity(g);
        forSamples(n, (task, s) -> {
            int xs = xOff + s * g.inSize();
            int ys = yOff + s * g.outSize();
            float[] col;
            int colOff;
            if (identity) {
                col = x;
                colOff = xs;
            } else {
                col = col(task, patch * groups * p);
                colOff = 0;
                Im2col.im2col(g, x, xs, col, 0, p);
            }
            for (int gi = 0; gi < groups; gi++) {
                kern.sgemm(false, false, og, p, patch, 1f, w, gi * og * patch, patch, col, colOff + gi * patch * p, p,
                        0f, y, ys + gi * og * p, p);
            }
            if (bias != null) {
                for (int o = 0; o < g.outChannels(); o++) {
                    float b = bias[o];
                    int base = ys + o * p;
                    for (int j = 0; j < p; j++) {
                        y[base + j] += b;
                    }
                }
            }
        });
    }

    /**
     * dx[n] = conv^T(e[n]; W): the adjoint of {@link #forward}'s linear part, so that
     * &lt;conv(x), e&gt; = &lt;x, conv^T(e)&gt;. Overwrites dx[dxOff .. + n * inSize).
     */
    public void adjoint(int n, float[] e, int eOff, float[] w, float[] dx, int dxOff) {
        check(n, e, eOff, g.outSize(), "e");
        check(n, dx, dxOff, g.inSize(), "dx");
        checkWeights(w, null);
        Kernels kern = k();
        int groups = g.groups();
        int og = g.outChannels() / groups;
        int patch = g.patch();
        int p = g.outPlane();
        if (g.outPlane() < CHUNK_PLANE && chunk(n) > 1) {
            adjointChunked(n, e, eOff, w, dx, dxOff);
            return;
        }
        boolean identity = Im2col.isIdentity(g);
        forSamples(n, (task, s) -> {
            int es = eOff + s * g.outSize();
            int xs = dxOff + s * g.inSize();
            if (identity) {
                for (int gi = 0; gi < groups; gi++) {
                    kern.sgemm(true, false, patch, p, og, 1f, w, gi * og * patch, patch, e, es + gi * og * p, p,
                            0f, dx, xs + gi * patch * p, p);
                }
                return;
            }
            float[] col = col(task, patch * groups * p);
            for (int gi = 0; gi < groups; gi++) {
                kern.sgemm(true, false, patch, p, og, 1f, w, gi * og * patch, patch, e, es + gi * og * p, p,
                        0f, col, gi * patch * p, p);
            }
            java.util.Arrays.fill(dx, xs, xs + g.inSize(), 0f);
            Im2col.col2im(g, col, 0, p, dx, xs);
        });
    }

    /**
     * dw = alpha * sum over the n samples of corr(e[n], x[n]) + beta * dw: the gradient of
     * sum &lt;e, conv(x; W)&gt; with respect to W, scaled (alpha = 1/n gives the batch mean).
     * beta = 0 overwrites dw.
     */
    public void weightGrad(int n, float[] x, int xOff, float[] e, int eOff, float alpha, float[] dw, float beta) {
        check(n, x, xOff, g.inSize(), "x");
        check(n, e, eOff, g.outSize(), "e");
        if (dw.length < g.weightSize()) {
            throw new IllegalArgumentException("dw has " + dw.length + " values, " + g.describe() + " needs "
                    + g.weightSize());
        }
        Kernels kern = k();
        int groups = g.groups();
        int oc = g.outChannels();
        int og = oc / groups;
        int patch = g.patch();
        int rows = patch * groups;
        int p = g.outPlane();
        if (n == 0) {
            scale(dw, g.weightSize(), beta);
            return;
        }
        int chunk = chunk(n);
        ensureChunkBuffers(chunk);
        float[] colBuf = chunkCol;
        float[] errBuf = chunkErr;
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int nb = Math.min(chunk, n - s0);
            int ld = nb * p;
            int first = s0;
            // Lay the chunk out as X [rows, nb * p] and E [oc, nb * p]: sample j owns columns j*p ..
            ParallelFor.run(Math.min(threads(), nb), threads(), t -> {
                int t0 = (int) ((long) nb * t / Math.min(threads(), nb));
                int t1 = (int) ((long) nb * (t + 1) / Math.min(threads(), nb));
                Im2col.im2colChunk(g, x, xOff + first * g.inSize(), t0, t1, colBuf, ld);
                for (int j = t0; j < t1; j++) {
                    int es = eOff + (first + j) * g.outSize();
                    for (int o = 0; o < oc; o++) {
                        System.arraycopy(e, es + o * p, errBuf, o * ld + j * p, p);
                    }
                }
            });
            float b = s0 == 0 ? beta : 1f;
            for (int gi = 0; gi < groups; gi++) {
                kern.sgemm(false, true, og, patch, ld, alpha, errBuf, gi * og * ld, ld, colBuf, gi * patch * ld, ld,
                        b, dw, gi * og * patch, patch);
            }
        }
    }

    /**
     * Samples per chunk: as many as fit CHUNK_COLUMNS output positions and CHUNK_FLOATS of
     * columns (at least 1, at most n). A function of the geometry and n only (determinism).
     */
    private int chunk(int n) {
        int rows = g.patch() * g.groups();
        int c = Math.max(1, Math.min(CHUNK_COLUMNS, CHUNK_FLOATS / rows) / g.outPlane());
        return Math.max(1, Math.min(c, n));
    }

    private void ensureChunkBuffers(int chunk) {
        int cap = chunk * g.outPlane();
        int rows = g.patch() * g.groups();
        if (chunkCol == null || chunkCol.length < rows * cap) {
            chunkCol = new float[rows * cap];
        }
        if (chunkErr == null || chunkErr.length < g.outChannels() * cap) {
            chunkErr = new float[g.outChannels() * cap];
        }
    }

    interface RangeBody {
        void run(int from, int to);
    }

    /** Runs body(from, to) over [0, nb) split into one contiguous range per thread. */
    private void forChunkRanges(int nb, RangeBody body) {
        int tasks = Math.max(1, Math.min(threads(), nb));
        ParallelFor.run(tasks, tasks, t -> body.run((int) ((long) nb * t / tasks), (int) ((long) nb * (t + 1) / tasks)));
    }

    /** Runs body(j) for j in [0, nb) over the threads in contiguous ranges. */
    private void forChunk(int nb, java.util.function.IntConsumer body) {
        int tasks = Math.max(1, Math.min(threads(), nb));
        ParallelFor.run(tasks, tasks, t -> {
            int j1 = (int) ((long) nb * (t + 1) / tasks);
            for (int j = (int) ((long) nb * t / tasks); j < j1; j++) {
                body.accept(j);
            }
        });
    }

    /**
     * The forward pass for small images: several samples' columns side by side, [rows, nb * p],
     * and one GEMM per group over them, so the weights are packed once per chunk rather than once
     * per sample and the GEMM is wide enough to split over threads.
     */
    private void forwardChunked(int n, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        Kernels kern = k();
        int groups = g.groups();
        int oc = g.outChannels();
        int og = oc / groups;
        int patch = g.patch();
        int p = g.outPlane();
        int chunk = chunk(n);
        ensureChunkBuffers(chunk);
        float[] colBuf = chunkCol;
        float[] yBuf = chunkErr;
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int nb = Math.min(chunk, n - s0);
            int ld = nb * p;
            int first = s0;
            forChunkRanges(nb, (j0, j1) -> Im2col.im2colChunk(g, x, xOff + first * g.inSize(), j0, j1, colBuf, ld));
            for (int gi = 0; gi < groups; gi++) {
                kern.sgemm(false, false, og, ld, patch, 1f, w, gi * og * patch, patch, colBuf, gi * patch * ld, ld,
                        0f, yBuf, gi * og * ld, ld);
            }
            forChunk(nb, j -> {
                int ys = yOff + (first + j) * g.outSize();
                for (int o = 0; o < oc; o++) {
                    int dst = ys + o * p;
                    System.arraycopy(yBuf, o * ld + j * p, y, dst, p);
                    if (bias != null) {
                        float b = bias[o];
                        for (int q = 0; q < p; q++) {
                            y[dst + q] += b;
                        }
                    }
                }
            });
        }
    }

    /** The adjoint for small images, chunked as {@link #forwardChunked}. */
    private void adjointChunked(int n, float[] e, int eOff, float[] w, float[] dx, int dxOff) {
        Kernels kern = k();
        int groups = g.groups();
        int oc = g.outChannels();
        int og = oc / groups;
        int patch = g.patch();
        int p = g.outPlane();
        int chunk = chunk(n);
        ensureChunkBuffers(chunk);
        float[] colBuf = chunkCol;
        float[] eBuf = chunkErr;
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int nb = Math.min(chunk, n - s0);
            int ld = nb * p;
            int first = s0;
            forChunk(nb, j -> {
                int es = eOff + (first + j) * g.outSize();
                for (int o = 0; o < oc; o++) {
                    System.arraycopy(e, es + o * p, eBuf, o * ld + j * p, p);
                }
            });
            for (int gi = 0; gi < groups; gi++) {
                kern.sgemm(true, false, patch, ld, og, 1f, w, gi * og * patch, patch, eBuf, gi * og * ld, ld,
                        0f, colBuf, gi * patch * ld, ld);
            }
            forChunkRanges(nb, (j0, j1) -> {
                int base = dxOff + first * g.inSize();
                java.util.Arrays.fill(dx, base + j0 * g.inSize(), base + j1 * g.inSize(), 0f);
                Im2col.col2imChunk(g, colBuf, ld, j0, j1, dx, base);
            });
        }
    }

    /** db[o] = alpha * sum over samples and positions of e[n, o, :] + beta * db[o]. */
    public void biasGrad(int n, float[] e, int eOff, float alpha, float[] db, float beta) {
        check(n, e, eOff, g.outSize(), "e");
        channelSum(n, g.outChannels(), g.outPlane(), e, eOff, alpha, db, beta);
    }

    /**
     * db[c] = alpha * sum over n samples and p positions of e[s, c, :] + beta * db[c], summed in
     * double in a fixed order.
     */
    static void channelSum(int n, int channels, int p, float[] e, int eOff, float alpha, float[] db, float beta) {
        if (db.length < channels) {
            throw new IllegalArgumentException("db has " + db.length + " values for " + channels + " channels");
        }
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int s = 0; s < n; s++) {
                int base = eOff + (s * channels + c) * p;
                for (int j = 0; j < p; j++) {
                    sum += e[base + j];
                }
            }
            db[c] = (float) (alpha * sum + (beta == 0f ? 0.0 : (double) beta * db[c]));
        }
    }

    private static void scale(float[] a, int len, float beta) {
        for (int i = 0; i < len; i++) {
            a[i] = beta == 0f ? 0f : a[i] * beta;
        }
    }

    /** One task's column buffer, grown on demand. */
    private float[] col(int task, int size) {
        float[] c = cols[task];
        if (c == null || c.length < size) {
            c = new float[size];
            cols[task] = c;
        }
        return c;
    }

    interface SampleBody {
        void run(int task, int sample);
    }

    /** Runs body over samples 0..n-1 in contiguous ranges, one range per task. */
    private void forSamples(int n, SampleBody body) {
        int tasks = Math.max(1, Math.min(threads(), n));
        if (cols.length < tasks) {
            cols = java.util.Arrays.copyOf(cols, tasks);
        }
        ParallelFor.run(tasks, tasks, t -> {
            int s0 = (int) ((long) n * t / tasks);
            int s1 = (int) ((long) n * (t + 1) / tasks);
            for (int s = s0; s < s1; s++) {
                body.run(t, s);
            }
        });
    }

    private void checkWeights(float[] w, float[] bias) {
        if (w.length < g.weightSize()) {
            throw new IllegalArgumentException("weights have " + w.length + " values, " + g.describe() + " needs "
                    + g.weightSize());
        }
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, " + g.describe() + " needs "
                    + g.outChannels());
        }
    }

    static void check(int n, float[] a, int off, int per, String what) {
        if (n < 0 || off < 0 || (long) off + (long) n * per > a.length) {
            throw new IllegalArgumentException(what + ": " + n + " samples of " + per + " values from offset " + off
                    + " do not fit in " + a.length);
        }
    }
}

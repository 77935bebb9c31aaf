package org.pcn4j.conv;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * Max and average pooling over NCHW float32 arrays (nn.MaxPool2d / nn.AvgPool2d without padding,
 * floor mode: trailing rows or columns that do not fill a window are dropped, as PyTorch does).
 * Max pooling records each output's argmax in the forward pass and {@link #backward} routes the
 * output's error to that input alone (ties: the first in row-major window order, as PyTorch's CPU
 * kernel); average pooling spreads it evenly over the window. Immutable; the argmax array is the
 * caller's.
 */
public final class Pool2d {
    /** The pooling function. */
    public enum Kind {
        MAX("max"),
        AVG("avg");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Kind parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (k.id.equals(n)) {
                    return k;
                }
            }
            throw new PcnException("unknown pool '" + s + "' (expected max or avg)");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private final Kind kind;
    private final int channels;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int oh;
    private final int ow;

    /** A kh x kw pool with stride equal to the window (the usual non-overlapping pool). */
    public Pool2d(Kind kind, int channels, int h, int w, int kh, int kw) {
        this(null, kind, channels, h, w, kh, kw, kh, kw);
    }

    /**
     * @param name what to call the pool in error messages (an edge), or null
     */
    public Pool2d(String name, Kind kind, int channels, int h, int w, int kh, int kw, int sh, int sw) {
        String where = name == null ? kind + " pool" : name;
        if (channels < 1 || h < 1 || w < 1) {
            throw new PcnException(where + ": input shape " + ConvGeometry.dims(channels, h, w) + " must be positive");
        }
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw new PcnException(where + ": pool size " + kh + "x" + kw + " and stride " + sh + "x" + sw
                    + " must be >= 1");
        }
        if (kh > h || kw > w) {
            throw new PcnException(where + ": pool size " + kh + "x" + kw + " is larger than the input "
                    + ConvGeometry.dims(channels, h, w));
        }
        this.kind = java.util.Objects.requireNonNull(kind);
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.oh = (h - kh) / sh + 1;
        this.ow = (w - kw) / sw + 1;
    }

    public Kind kind() { return kind; }
    public int kernelH() { return kh; }
    public int kernelW() { return kw; }
    public int strideH() { return sh; }
    public int strideW() { return sw; }

    public int[] inShape() {
        return new int[] {channels, h, w};
    }

    public int[] outShape() {
        return new int[] {channels, oh, ow};
    }

    public int inSize() {
        return channels * h * w;
    }

    public int outSize() {
        return channels * oh * ow;
    }

    /** True when the windows tile the input exactly (nothing is dropped by floor mode). */
    public boolean tiles() {
        return (h - kh) % sh == 0 && (w - kw) % sw == 0;
    }

    /**
     * y = pool(x) for n samples. For max pooling, {@code argmax} (n * outSize ints, or null when
     * no backward pass follows) receives each output's input index within its sample; avg ignores it.
     */
    public void forward(int n, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        Conv2d.check(n, x, xOff, inSize(), "x");
        Conv2d.check(n, y, yOff, outSize(), "y");
        if (kind == Kind.MAX && kh == 2 && kw == 2 && sh == 2 && sw == 2) {
            max2x2(n, x, xOff, y, yOff, argmax);
            return;
        }
        float inv = 1f / (kh * kw);
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                int plane = c * h * w;
                int xs = xOff + s * inSize() + plane;
                int out = s * outSize() + c * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, out++) {
                        int top = i * sh * w + j * sw;
                        if (kind == Kind.MAX) {
                            int best = top;
                            float m = x[xs + top];
                            for (int a = 0; a < kh; a++) {
                                for (int b = 0; b < kw; b++) {
                                    int idx = top + a * w + b;
                                    float v = x[xs + idx];
                                    if (v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                                        m = v;
                                        best = idx;
                                    }
                                }
                            }
                            y[yOff + out] = m;
                            if (argmax != null) {
                                argmax[out] = plane + best;
                            }
                        } else {
                            float sum = 0f;
                            for (int a = 0; a < kh; a++) {
                                for (int b = 0; b < kw; b++) {
                                    sum += x[xs + top + a * w + b];
                                }
                            }
                            y[yOff + out] = sum * inv;
                        }
                    }
                }
            }
        }
    }

    /** v replaces the running maximum m: larger, or NaN over a number (NaN propagates, as in PyTorch). */
    private static boolean wins(float v, float m) {
        // Non-short-circuit: one flag the JIT can turn into conditional moves (the maxima of
        // random-looking maps are unpredictable branches).
        return (v > m) | ((v != v) & (m == m));
    }

    /**
     * The 2x2 stride-2 max pool of VGG blocks, unrolled: the same comparisons in the same window
     * order as the general loop (so the same maxima and argmaxes, ties to the first), without its
     * per-element loop overhead (the general loop was 13 % of a PC step of examples/vgg-cifar.yaml).
     */
    private void max2x2(int n, float[] x, int xOff, float[] y, int yOff, int[] argmax) {
        int plane = h * w;
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                int base = c * plane;
                int xs = xOff + s * inSize() + base;
                int out = s * outSize() + c * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int r0 = 2 * i * w;
                    int r1 = r0 + w;
                    for (int j = 0; j < ow; j++, out++) {
                        int t = r0 + 2 * j;
                        int b = r1 + 2 * j;
                        float m = x[xs + t];
                        int best = t;
                        float v = x[xs + t + 1];
                        boolean k = wins(v, m);
                        m = k ? v : m;
                        best = k ? t + 1 : best;
                        v = x[xs + b];
                        k = wins(v, m);
                        m = k ? v : m;
                        best = k ? b : best;
                        v = x[xs + b + 1];
                        k = wins(v, m);
                        m = k ? v : m;
                        best = k ? b + 1 : best;
                        y[yOff + out] = m;
                        if (argmax != null) {
                            argmax[out] = base + best;
                        }
                    }
                }
            }
        }
    }

    /**
     * dx = pool^T(g): each output's g goes to its argmax input (max) or, divided by the window
     * size, to every input of its window (avg). Overwrites dx[dxOff .. + n * inSize).
     */
    public void backward(int n, float[] g, int gOff, int[] argmax, float[] dx, int dxOff) {
        Conv2d.check(n, g, gOff, outSize(), "g");
        Conv2d.check(n, dx, dxOff, inSize(), "dx");
        java.util.Arrays.fill(dx, dxOff, dxOff + n * inSize(), 0f);
        if (kind == Kind.MAX) {
            if (argmax == null || argmax.length < n * outSize()) {
                throw new IllegalArgumentException("max pool backward needs the forward pass's argmax");
            }
            for (int s = 0; s < n; s++) {
                int base = dxOff + s * inSize();
                int o0 = s * outSize();
                for (int o = 0; o < outSize(); o++) {
                    dx[base + argmax[o0 + o]] += g[gOff + o0 + o];
                }
            }
            return;
        }
        float inv = 1f / (kh * kw);
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                int xs = dxOff + s * inSize() + c * h * w;
                int out = gOff + s * outSize() + c * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, out++) {
                        float v = g[out] * inv;
                        int top = xs + i * sh * w + j * sw;
                        for (int a = 0; a < kh; a++) {
                            for (int b = 0; b < kw; b++) {
                                dx[top + a * w + b] += v;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return kind + " pool " + kh + "x" + kw + " stride " + sh + "x" + sw + ": " + ConvGeometry.dims(inShape())
                + " -> " + ConvGeometry.dims(outShape());
    }
}

package org.pcn4j.conv;

import java.util.Objects;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.Convention;

/**
 * The fused conv -> activation -> pool op of pcx's VGG blocks, with its local derivatives, in
 * both activation placements:
 * <ul>
 *   <li>{@code post}: a = conv(x; W) + b, mu = pool(f(a));</li>
 *   <li>{@code pre}: a = conv(f(x); W) + b, mu = pool(a).</li>
 * </ul>
 * {@link #backward} takes g = dL/dmu (for a PC edge, minus the target node's error) and returns
 * dL/dx, dL/dW and dL/db by the chain rule through the cached forward pass: the pool routes g
 * back (to each window's argmax for max pooling), f' multiplies it at the pre-activation (post) or
 * at the source (pre), and the conv's adjoint and weight gradient do the rest. Pooling is
 * optional.
 *
 * <p>Holds the forward pass's caches (a, the argmax, f(x)) and scratch buffers sized for the
 * largest batch seen: not thread-safe; {@link #backward} must follow a {@link #forward} on the
 * same x.
 */
public final class ConvBlock {
    private final Conv2d conv;
    private final ConvGeometry g;
    private final Activation f;
    private final Convention convention;
    private final Pool2d pool;
    private final Kernels kernels;
    private int cachedN = -1;
    private float[] a = new float[0];
    private float[] h = new float[0];
    private float[] fx = new float[0];
    private float[] ga = new float[0];
    private float[] da = new float[0];
    private float[] gx = new float[0];
    private int[] argmax = new int[0];

    private ConvBlock(Builder b) {
        this.g = Objects.requireNonNull(b.geometry, "geometry");
        this.f = b.activation;
        this.convention = b.convention;
        this.kernels = b.kernels;
        this.conv = new Conv2d(g, b.kernels, b.threads);
        this.pool = b.poolKind == null ? null
                : new Pool2d(b.name, b.poolKind, g.outChannels(), g.outH(), g.outW(), b.poolH, b.poolW, b.poolH,
                        b.poolW);
    }

    public static Builder builder(ConvGeometry geometry) {
        return new Builder(geometry);
    }

    /** Builder; defaults: identity activation, post convention, no pool, the JVM's kernels and threads. */
    public static final class Builder {
        private final ConvGeometry geometry;
        private String name;
        private Activation activation = Activation.IDENTITY;
        private Convention convention = Convention.POST;
        private Pool2d.Kind poolKind;
        private int poolH;
        private int poolW;
        private Kernels kernels;
        private int threads;

        private Builder(ConvGeometry geometry) {
            this.geometry = geometry;
        }

        /** For error messages (an edge name). */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Builder activation(Activation a) {
            this.activation = Objects.requireNonNull(a);
            return this;
        }

        public Builder convention(Convention c) {
            this.convention = Objects.requireNonNull(c);
            return this;
        }

        /** A non-overlapping size x size pool after the activation; kind null for none. */
        public Builder pool(Pool2d.Kind kind, int size) {
            return pool(kind, size, size);
        }

        public Builder pool(Pool2d.Kind kind, int sizeH, int sizeW) {
            this.poolKind = kind;
            this.poolH = sizeH;
            this.poolW = sizeW;
            return this;
        }

        /** Backend (null: the JVM's) and batch threads (0: {@link org.pcn4j.kernel.Backends#threads()}). */
        public Builder kernels(Kernels k, int threads) {
            this.kernels = k;
            this.threads = threads;
            return this;
        }

        public ConvBlock build() {
            return new ConvBlock(this);
        }
    }

    public ConvGeometry geometry() {
        return g;
    }

    public Activation activation() {
        return f;
    }

    public Convention convention() {
        return convention;
    }

    /** The pool, or null. */
    public Pool2d pool() {
        return pool;
    }

    public int[] inShape() {
        return g.inShape();
    }

    /** [C, H, W] of mu: the conv's output, pooled. */
    public int[] outShape() {
        return pool == null ? g.outShape() : pool.outShape();
    }

    public int inSize() {
        return g.inSize();
    }

    public int outSize() {
        return pool == null ? g.outSize() : pool.outSize();
    }

    private Kernels k() {
        return kernels == null ? Kernels.get() : kernels;
    }

    private void ensure(int n) {
        int conv = n * g.outSize();
        if (a.length < conv) {
            a = new float[conv];
            ga = new float[conv];
            da = new float[conv];
            h = new float[conv];
        }
        if (pool != null && argmax.length < n * pool.outSize()) {
            argmax = new int[n * pool.outSize()];
        }
        if (convention == Convention.PRE && fx.length < n * g.inSize()) {
            fx = new float[n * g.inSize()];
            gx = new float[n * g.inSize()];
        }
    }

    /** mu = the block applied to the n samples at x[xOff..], written to mu[muOff..] (n * outSize values). */
    public void forward(int n, float[] x, int xOff, float[] w, float[] bias, float[] mu, int muOff) {
        Conv2d.check(n, x, xOff, g.inSize(), "x");
        Conv2d.check(n, mu, muOff, outSize(), "mu");
        ensure(n);
        Kernels kern = k();
        if (convention == Convention.PRE) {
            kern.activate(f, x, xOff, fx, 0, n * g.inSize());
            if (pool == null) {
                conv.forward(n, fx, 0, w, bias, mu, muOff);
            } else {
                conv.forward(n, fx, 0, w, bias, a, 0);
                pool.forward(n, a, 0, mu, muOff, argmax);
            }
        } else {
            conv.forward(n, x, xOff, w, bias, a, 0);
            if (pool == null) {
                kern.activate(f, a, 0, mu, muOff, n * g.outSize());
            } else {
                kern.activate(f, a, 0, h, 0, n * g.outSize());
                pool.forward(n, h, 0, mu, muOff, argmax);
            }
        }
        cachedN = n;
    }

    /**
     * The chain rule back from g = dL/dmu (n * outSize values at gmu[gOff..]) through the last
     * {@link #forward} (which must have seen these n samples at x):
     * dx = dL/dx (overwritten; null to skip), dw = alpha * dL/dW + beta * dw and
     * db = alpha * dL/db + beta * db (each null to skip). alpha = 1/n gives batch means.
     */
    public void backward(int n, float[] x, int xOff, float[] gmu, int gOff, float[] w, float[] dx, int dxOff,
            float[] dw, float[] db, float alpha, float beta) {
        if (n != cachedN) {
            throw new IllegalStateException("backward over " + n + " samples after a forward over " + cachedN);
        }
        Conv2d.check(n, gmu, gOff, outSize(), "g");
        int conv = n * g.outSize();
        Kernels kern = k();
        // ga = dL/da, the gradient at the conv's output.
        if (pool != null) {
            pool.backward(n, gmu, gOff, argmax, ga, 0);
        } else {
            System.arraycopy(gmu, gOff, ga, 0, conv);
        }
        if (convention == Convention.POST && f != Activation.IDENTITY) {
            kern.activateDerivative(f, a, 0, da, 0, conv);
            for (int i = 0; i < conv; i++) {
                ga[i] *= da[i];
            }
        }
        float[] src = convention == Convention.PRE ? fx : x;
        int srcOff = convention == Convention.PRE ? 0 : xOff;
        if (dw != null) {
            this.conv.weightGrad(n, src, srcOff, ga, 0, alpha, dw, beta);
        }
        if (db != null) {
            this.conv.biasGrad(n, ga, 0, alpha, db, beta);
        }
        if (dx != null) {
            Conv2d.check(n, dx, dxOff, g.inSize(), "dx");
            if (convention == Convention.PRE && f != Activation.IDENTITY) {
                this.conv.adjoint(n, ga, 0, w, gx, 0);
                kern.activateDerivative(f, x, xOff, dx, dxOff, n * g.inSize());
                int len = n * g.inSize();
                for (int i = 0; i < len; i++) {
                    dx[dxOff + i] *= gx[i];
                }
            } else {
                this.conv.adjoint(n, ga, 0, w, dx, dxOff);
            }
        }
    }

    @Override
    public String toString() {
        return g.describe() + ", " + f + " (" + convention + ")" + (pool == null ? "" : ", " + pool);
    }
}

package org.pcn4j.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;

/**
 * The fused conv -> activation -> pool block in both conventions: forward against the composed
 * double-precision loops, and backward (dx, dW, db) against central finite differences of
 * L = 1/2 |mu - t|^2, whose gradient with respect to mu is g = mu - t.
 */
class ConvBlockTest {
    static ConvGeometry geometry() {
        // Odd, non-square input, stride 1 and padding so the 2x2 pool drops a row (floor mode).
        return ConvGeometry.builder().input(2, 7, 8).outChannels(3).kernel(3).padding(1).build();
    }

    static double[] reference(ConvBlock blk, int n, float[] x, float[] w, float[] b) {
        ConvGeometry g = blk.geometry();
        Activation f = blk.activation();
        float[] src = x.clone();
        if (blk.convention() == Convention.PRE) {
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) f.apply(x[i]);
            }
        }
        double[] a = ConvReference.conv2d(g, n, src, w, b);
        if (blk.convention() == Convention.POST) {
            for (int i = 0; i < a.length; i++) {
                a[i] = f.apply(a[i]);
            }
        }
        Pool2d p = blk.pool();
        if (p == null) {
            return a;
        }
        float[] af = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            af[i] = (float) a[i];
        }
        return ConvReference.pool(p.kind() == Pool2d.Kind.MAX, n, g.outChannels(), g.outH(), g.outW(), p.kernelH(),
                p.strideH(), af);
    }

    static double loss(ConvBlock blk, int n, float[] x, float[] w, float[] b, float[] t) {
        float[] mu = new float[n * blk.outSize()];
        blk.forward(n, x, 0, w, b, mu, 0);
        double l = 0;
        for (int i = 0; i < mu.length; i++) {
            double d = (double) mu[i] - t[i];
            l += 0.5 * d * d;
        }
        return l;
    }

    @ParameterizedTest
    @CsvSource({"post,tanh,max", "post,tanh,avg", "post,sigmoid,none", "pre,tanh,max", "pre,gelu,avg",
            "pre,identity,none", "post,relu,max"})
    void forwardMatchesTheLoopsAndBackwardMatchesFiniteDifferences(String conv, String act, String pool) {
        ConvBlock.Builder bld = ConvBlock.builder(geometry()).convention(Convention.parse(conv))
                .activation(Activation.parse(act));
        if (!pool.equals("none")) {
            bld.pool(Pool2d.Kind.parse(pool), 2);
        }
        ConvBlock blk = bld.build();
        ConvGeometry g = blk.geometry();
        int n = 2;
        float[] x = Conv2dTest.random(n * g.inSize(), 61);
        float[] w = Conv2dTest.random(g.weightSize(), 62);
        float[] b = Conv2dTest.random(g.outChannels(), 63);
        float[] t = Conv2dTest.random(n * blk.outSize(), 64);
        float[] mu = new float[n * blk.outSize()];
        blk.forward(n, x, 0, w, b, mu, 0);
        double[] want = reference(blk, n, x, w, b);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], mu[i], 1e-4, blk + " mu[" + i + "]");
        }
        float[] gmu = new float[mu.length];
        for (int i = 0; i < mu.length; i++) {
            gmu[i] = mu[i] - t[i];
        }
        float[] dx = new float[x.length];
        float[] dw = new float[w.length];
        float[] db = new float[b.length];
        blk.backward(n, x, 0, gmu, 0, w, dx, 0, dw, db, 1f, 0f);
        if (act.equals("relu")) {
            return; // kinks: checked by the forward above and the exact adjoints in Conv2dTest
        }
        boolean kinks = pool.equals("max");
        check("dx", blk, n, x, w, b, t, x, dx, kinks);
        check("dW", blk, n, x, w, b, t, w, dw, kinks);
        check("db", blk, n, x, w, b, t, b, db, kinks);
    }

    /**
     * Central differences at a spread of coordinates of {@code param}, which is one of x, w, b.
     * With max pooling L is only piecewise smooth: a step that moves some window's argmax gives a
     * difference quotient between two slopes. Such coordinates are found by comparing the quotients
     * at two step sizes and skipped; at least half must remain (a weight moves every window, so some step always crosses a kink).
     */
    private static void check(String what, ConvBlock blk, int n, float[] x, float[] w, float[] b, float[] t,
            float[] param, float[] grad, boolean kinks) {
        int step = Math.max(1, param.length / 23);
        int tried = 0;
        int checked = 0;
        for (int i = 0; i < param.length; i += step) {
            tried++;
            double fd = difference(blk, n, x, w, b, t, param, i, 1e-2f);
            if (kinks) {
                double fine = difference(blk, n, x, w, b, t, param, i, 2.5e-3f);
                if (Math.abs(fine - fd) > 2e-3 * Math.max(1, Math.abs(fd))) {
                    continue;
                }
            }
            checked++;
            assertEquals(fd, grad[i], 1e-2 * Math.max(1, Math.abs(fd)), blk + " " + what + "[" + i + "]");
        }
        if (checked * 2 < tried) {
            throw new AssertionError(what + ": only " + checked + " of " + tried + " coordinates were smooth");
        }
    }

    private static double difference(ConvBlock blk, int n, float[] x, float[] w, float[] b, float[] t,
            float[] param, int i, float eps) {
        float keep = param[i];
        param[i] = keep + eps;
        double up = loss(blk, n, x, w, b, t);
        param[i] = keep - eps;
        double down = loss(blk, n, x, w, b, t);
        param[i] = keep;
        return (up - down) / (2.0 * eps);
    }

    @ParameterizedTest
    @CsvSource({"post", "pre"})
    void shapesAndProtocol(String conv) {
        ConvBlock blk = ConvBlock.builder(geometry()).convention(Convention.parse(conv)).activation(Activation.RELU)
                .pool(Pool2d.Kind.MAX, 2).build();
        assertArrayEquals(new int[] {3, 3, 4}, blk.outShape());
        float[] x = new float[2 * blk.inSize()];
        float[] mu = new float[2 * blk.outSize()];
        float[] w = new float[blk.geometry().weightSize()];
        blk.forward(2, x, 0, w, null, mu, 0);
        assertThrows(IllegalStateException.class,
                () -> blk.backward(1, x, 0, mu, 0, w, null, 0, null, null, 1f, 0f));
    }
}

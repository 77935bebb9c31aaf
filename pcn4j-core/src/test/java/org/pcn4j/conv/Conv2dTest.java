package org.pcn4j.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.ScalarKernels;
import org.pcn4j.kernel.VectorKernels;

/**
 * conv2d forward, adjoint, weight and bias gradients against {@link ConvReference} on odd,
 * non-square geometries (stride 2, padding, groups, 1x1), on the scalar and vector backends;
 * the dot-product test of the adjoint; and bit-identical results at 1, 2 and 3 threads.
 *
 * <p>Tolerance: each output is a float dot product of length patch (+ bias), so its error is at most
 * about patch * 2^-24 * sum |w x|; 1e-5 relative to the sum of absolute products is far above it
 * and far below a wrong index (which is off by O(1) of that sum).
 */
class Conv2dTest {
    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                ConvGeometry.builder().input(3, 7, 9).outChannels(5).kernel(3).padding(1).build(),
                ConvGeometry.builder().input(3, 9, 7).outChannels(4).kernel(3, 2).stride(2).padding(1, 0).build(),
                ConvGeometry.builder().input(4, 11, 8).outChannels(6).kernel(5, 3).stride(2, 1).padding(2, 1)
                        .groups(2).build(),
                ConvGeometry.builder().input(5, 5, 3).outChannels(7).kernel(1).build(),
                ConvGeometry.builder().input(2, 6, 6).outChannels(3).kernel(2).stride(2).build(),
                ConvGeometry.builder().input(6, 13, 13).outChannels(9).kernel(3).stride(2).padding(1).groups(3)
                        .build(),
                // 17 x 16 = 272 output positions: one GEMM per sample (the others batch samples side by side).
                ConvGeometry.builder().input(4, 17, 16).outChannels(6).kernel(3).padding(1).groups(2).build(),
                ConvGeometry.builder().input(3, 19, 17).outChannels(5).kernel(1).build());
    }

    /**
     * Large enough that the GEMMs are split over threads (m n k > 2^21): 17 x 15 output positions
     * (samples side by side) and 17 x 16 (one GEMM per sample).
     */
    static Stream<ConvGeometry> threadGeometries() {
        return Stream.of(ConvGeometry.builder().input(16, 17, 15).outChannels(32).kernel(3).padding(1).build(),
                ConvGeometry.builder().input(16, 17, 16).outChannels(32).kernel(3).padding(1).build());
    }

    static List<Kernels> backends() {
        return List.of(new ScalarKernels(), new VectorKernels(1), new VectorKernels(2));
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** |got - want| <= tol * scale per element, with scale the sum of absolute products. */
    static void assertClose(double[] want, float[] got, int off, double[] scale, String what) {
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-5 * Math.max(1.0, scale[i]);
            if (Math.abs(got[off + i] - want[i]) > tol) {
                throw new AssertionError(what + "[" + i + "]: got " + got[off + i] + ", want " + want[i]);
            }
        }
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Math.abs(a[i]);
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardAdjointAndGradientsMatchTheDirectLoops(ConvGeometry g) {
        int n = 3;
        float[] x = random(n * g.inSize(), 1);
        float[] w = random(g.weightSize(), 2);
        float[] b = random(g.outChannels(), 3);
        float[] e = random(n * g.outSize(), 4);
        double[] y = ConvReference.conv2d(g, n, x, w, b);
        double[] yScale = ConvReference.conv2d(g, n, abs(x), abs(w), abs(b));
        double[] dx = ConvReference.adjoint(g, n, e, w);
        double[] dxScale = ConvReference.adjoint(g, n, abs(e), abs(w));
        double[] dw = ConvReference.weightGrad(g, n, x, e);
        double[] dwScale = ConvReference.weightGrad(g, n, abs(x), abs(e));
        for (Kernels k : backends()) {
            Conv2d conv = new Conv2d(g, k, 2);
            // Offsets check that no op assumes arrays start at 0.
            float[] yOut = new float[5 + n * g.outSize()];
            conv.forward(n, pad(x, 7), 7, w, b, yOut, 5);
            assertClose(y, yOut, 5, yScale, k.name() + " " + g + " forward");
            float[] dxOut = new float[3 + n * g.inSize()];
            java.util.Arrays.fill(dxOut, Float.NaN); // overwritten, never read
            conv.adjoint(n, pad(e, 2), 2, w, dxOut, 3);
            assertClose(dx, dxOut, 3, dxScale, k.name() + " " + g + " adjoint");
            float[] dwOut = new float[g.weightSize()];
            conv.weightGrad(n, x, 0, e, 0, 1f, dwOut, 0f);
            assertClose(dw, dwOut, 0, dwScale, k.name() + " " + g + " weightGrad");
            // alpha and beta: 0.5 * dW + 2 * previous.
            float[] acc = dwOut.clone();
            conv.weightGrad(n, x, 0, e, 0, 0.5f, acc, 2f);
            double[] want = new double[dw.length];
            for (int i = 0; i < dw.length; i++) {
                want[i] = 2.0 * dwOut[i] + 0.5 * dw[i];
            }
            assertClose(want, acc, 0, dwScale, k.name() + " weightGrad alpha/beta");
            float[] db = new float[g.outChannels()];
            conv.biasGrad(n, e, 0, 1f / n, db, 0f);
            for (int o = 0; o < g.outChannels(); o++) {
                double s = 0;
                for (int sm = 0; sm < n; sm++) {
                    for (int p = 0; p < g.outPlane(); p++) {
                        s += e[(sm * g.outChannels() + o) * g.outPlane() + p];
                    }
                }
                assertEquals(s / n, db[o], 1e-5, "bias grad " + o);
            }
        }
    }

    static float[] pad(float[] a, int front) {
        float[] b = new float[front + a.length];
        System.arraycopy(a, 0, b, front, a.length);
        return b;
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void adjointPassesTheDotProductTest(ConvGeometry g) {
        int n = 2;
        float[] x = random(n * g.inSize(), 11);
        float[] w = random(g.weightSize(), 12);
        float[] e = random(n * g.outSize(), 13);
        Conv2d conv = new Conv2d(g);
        float[] ax = new float[n * g.outSize()];
        float[] ate = new float[n * g.inSize()];
        conv.forward(n, x, 0, w, null, ax, 0);
        conv.adjoint(n, e, 0, w, ate, 0);
        double lhs = 0;
        double scale = 0;
        for (int i = 0; i < ax.length; i++) {
            lhs += (double) ax[i] * e[i];
            scale += Math.abs((double) ax[i] * e[i]);
        }
        double rhs = 0;
        for (int i = 0; i < ate.length; i++) {
            rhs += (double) x[i] * ate[i];
        }
        assertEquals(lhs, rhs, 1e-5 * Math.max(1, scale), "<A x, e> vs <x, A^T e> for " + g);
        // <dW, W'> = <e, conv(x; W')>: the weight gradient is the derivative of a linear map in W.
        float[] dw = new float[g.weightSize()];
        conv.weightGrad(n, x, 0, e, 0, 1f, dw, 0f);
        double lw = 0;
        for (int i = 0; i < dw.length; i++) {
            lw += (double) dw[i] * w[i];
        }
        assertEquals(lhs, lw, 1e-5 * Math.max(1, scale), "<e, conv(x; W)> vs <dW, W>");
    }

    @ParameterizedTest
    @MethodSource("threadGeometries")
    void resultsAreBitIdenticalAtOneTwoAndThreeThreads(ConvGeometry g) {
        int n = 7;
        float[] x = random(n * g.inSize(), 21);
        float[] w = random(g.weightSize(), 22);
        float[] b = random(g.outChannels(), 23);
        float[] e = random(n * g.outSize(), 24);
        float[][] first = null;
        for (int t = 1; t <= 3; t++) {
            Conv2d conv = new Conv2d(g, new VectorKernels(t), t);
            float[] y = new float[n * g.outSize()];
            float[] dx = new float[n * g.inSize()];
            float[] dw = new float[g.weightSize()];
            conv.forward(n, x, 0, w, b, y, 0);
            conv.adjoint(n, e, 0, w, dx, 0);
            conv.weightGrad(n, x, 0, e, 0, 1f / n, dw, 0f);
            float[][] now = {y, dx, dw};
            if (first == null) {
                first = now;
            } else {
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(first[i], now[i], "output " + i + " at " + t + " threads");
                }
            }
        }
    }

    /**
     * Batches that span several chunks: 40 samples of 15 x 15 positions (36 per chunk in forward,
     * adjoint and weight gradient) and 3 samples of 64 x 65 (one per weight-gradient chunk, so
     * later chunks accumulate onto the first).
     */
    @Test
    void batchesSpanningSeveralChunksMatchTheLoops() {
        int[][] cases = {{40, 2, 15, 15}, {3, 1, 64, 65}};
        for (int[] c : cases) {
            int n = c[0];
            ConvGeometry g = ConvGeometry.builder().input(c[1], c[2], c[3]).outChannels(3).kernel(3).padding(1).build();
            float[] x = random(n * g.inSize(), 71);
            float[] w = random(g.weightSize(), 72);
            float[] e = random(n * g.outSize(), 73);
            Conv2d conv = new Conv2d(g, null, 2);
            float[] y = new float[n * g.outSize()];
            conv.forward(n, x, 0, w, null, y, 0);
            assertClose(ConvReference.conv2d(g, n, x, w, null), y, 0, ConvReference.conv2d(g, n, abs(x), abs(w), null),
                    g + " forward");
            float[] dx = new float[n * g.inSize()];
            conv.adjoint(n, e, 0, w, dx, 0);
            assertClose(ConvReference.adjoint(g, n, e, w), dx, 0, ConvReference.adjoint(g, n, abs(e), abs(w)),
                    g + " adjoint");
            float[] dw = new float[g.weightSize()];
            java.util.Arrays.fill(dw, 1f);
            conv.weightGrad(n, x, 0, e, 0, 1f, dw, 0.5f);
            double[] want = ConvReference.weightGrad(g, n, x, e);
            for (int i = 0; i < want.length; i++) {
                want[i] += 0.5;
            }
            assertClose(want, dw, 0, ConvReference.weightGrad(g, n, abs(x), abs(e)), g + " weightGrad");
        }
    }

    @Test
    void geometryComputesPyTorchsOutputSizes() {
        ConvGeometry g = ConvGeometry.builder().input(3, 32, 32).outChannels(32).kernel(3).padding(1).build();
        assertArrayEquals(new int[] {32, 32, 32}, g.outShape());
        assertArrayEquals(new int[] {32, 3, 3, 3}, g.weightShape());
        ConvGeometry s2 = ConvGeometry.builder().input(1, 28, 27).outChannels(4).kernel(3, 4).stride(2).padding(1)
                .build();
        // floor((28 + 2 - 3) / 2) + 1 = 14, floor((27 + 2 - 4) / 2) + 1 = 13
        assertEquals(14, s2.outH());
        assertEquals(13, s2.outW());
        assertEquals(4L * 14 * 13 * 12, s2.macsPerSample());
    }

    @Test
    void badGeometriesAreOneLineErrorsNamingTheShapes() {
        PcnException big = assertThrows(PcnException.class,
                () -> ConvGeometry.builder().name("image->c1").input(1, 4, 4).outChannels(2).kernel(7).build());
        assertEquals("image->c1: kernel 7x7 is larger than the input 1x4x4 with padding 0x0", big.getMessage());
        assertThrows(PcnException.class,
                () -> ConvGeometry.builder().input(3, 8, 8).outChannels(4).kernel(3).groups(2).build());
        ConvGeometry g = ConvGeometry.builder().input(1, 28, 28).outChannels(32).kernel(3).padding(1).build();
        PcnException out = assertThrows(PcnException.class, () -> g.checkOutput("image->c1", new int[] {32, 14, 14}));
        assertEquals("image->c1: conv2d 1x28x28 -> 32x28x28 (kernel 3x3, stride 1x1, padding 1x1) gives 32x28x28,"
                + " not 32x14x14", out.getMessage());
        assertTrue(!out.getMessage().contains("\n"));
        PcnException in = assertThrows(PcnException.class, () -> g.checkInput("image->c1", new int[] {3, 28, 28}));
        assertTrue(in.getMessage().contains("needs an input of 1x28x28, not 3x28x28"), in.getMessage());
    }
}

package org.pcn4j.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.VectorKernels;

/**
 * conv_transpose2d against nn.ConvTranspose2d's own definition (a scatter of each input pixel
 * times the kernel), its adjoint and weight gradient by the dot-product identities, and
 * bit-identity over threads.
 */
class ConvTranspose2dTest {
    // cin, h, w, cout, k, stride, padding, output_padding, groups
    @ParameterizedTest
    @CsvSource({"3,5,7,4,3,2,1,1,1", "2,4,3,6,4,2,1,0,2", "4,3,3,2,3,1,1,0,1", "2,5,4,3,2,3,0,2,1"})
    void matchesTheDefinitionAndItsAdjoints(int cin, int h, int w, int cout, int k, int s, int p, int op, int groups) {
        ConvGeometry inner = ConvTranspose2d.geometry("t", cin, h, w, cout, k, k, s, s, p, p, op, op, groups);
        ConvTranspose2d t = new ConvTranspose2d(inner);
        assertArrayEquals(new int[] {cin, cout / groups, k, k}, t.weightShape());
        assertArrayEquals(new int[] {cout, (h - 1) * s - 2 * p + k + op, (w - 1) * s - 2 * p + k + op}, t.outShape());
        int n = 3;
        float[] x = Conv2dTest.random(n * t.inSize(), 31);
        float[] wt = Conv2dTest.random(t.weightSize(), 32);
        float[] b = Conv2dTest.random(cout, 33);
        float[] e = Conv2dTest.random(n * t.outSize(), 34);
        double[] want = ConvReference.convTranspose2d(n, cin, h, w, cout, k, k, s, p, op, groups, x, wt, b);
        double[] scale = ConvReference.convTranspose2d(n, cin, h, w, cout, k, k, s, p, op, groups, Conv2dTest.abs(x),
                Conv2dTest.abs(wt), Conv2dTest.abs(b));
        float[] y = new float[n * t.outSize()];
        t.forward(n, x, 0, wt, b, y, 0);
        Conv2dTest.assertClose(want, y, 0, scale, "conv_transpose2d forward");

        // <convT(x), e> = <x, adjoint(e)> = <W, dW(x, e)>, with the bias left out.
        t.forward(n, x, 0, wt, null, y, 0);
        double lhs = 0;
        double mag = 0;
        for (int i = 0; i < y.length; i++) {
            lhs += (double) y[i] * e[i];
            mag += Math.abs((double) y[i] * e[i]);
        }
        float[] dx = new float[n * t.inSize()];
        t.adjoint(n, e, 0, wt, dx, 0);
        double rhs = 0;
        for (int i = 0; i < dx.length; i++) {
            rhs += (double) x[i] * dx[i];
        }
        assertEquals(lhs, rhs, 1e-5 * Math.max(1, mag), "adjoint");
        float[] dw = new float[t.weightSize()];
        t.weightGrad(n, x, 0, e, 0, 1f, dw, 0f);
        double lw = 0;
        for (int i = 0; i < dw.length; i++) {
            lw += (double) dw[i] * wt[i];
        }
        assertEquals(lhs, lw, 1e-5 * Math.max(1, mag), "weight gradient");
        // The weight gradient element by element: d<e, convT(x; W)>/dW[i] is convT(x; unit_i) . e.
        double[] unitScale = new double[1];
        for (int i = 0; i < dw.length; i += Math.max(1, dw.length / 7)) {
            float[] unit = new float[dw.length];
            unit[i] = 1f;
            double[] yi = ConvReference.convTranspose2d(n, cin, h, w, cout, k, k, s, p, op, groups, x, unit, null);
            double d = 0;
            unitScale[0] = 0;
            for (int j = 0; j < yi.length; j++) {
                d += yi[j] * e[j];
                unitScale[0] += Math.abs(yi[j] * e[j]);
            }
            assertEquals(d, dw[i], 1e-5 * Math.max(1, unitScale[0]), "dW[" + i + "]");
        }
        float[] db = new float[cout];
        t.biasGrad(n, e, 0, 1f, db, 0f);
        int plane = t.outSize() / cout;
        for (int c = 0; c < cout; c++) {
            double sum = 0;
            for (int sm = 0; sm < n; sm++) {
                for (int q = 0; q < plane; q++) {
                    sum += e[(sm * cout + c) * plane + q];
                }
            }
            assertEquals(sum, db[c], 1e-5, "db[" + c + "]");
        }
    }

    @Test
    void bitIdenticalAtOneAndThreeThreads() {
        ConvGeometry inner = ConvTranspose2d.geometry(null, 32, 8, 9, 16, 4, 4, 2, 2, 1, 1, 0, 0, 1);
        int n = 5;
        float[] x = Conv2dTest.random(n * inner.outSize(), 41);
        float[] w = Conv2dTest.random(inner.weightSize(), 42);
        float[] e = Conv2dTest.random(n * inner.inSize(), 43);
        float[][] first = null;
        for (int th : new int[] {1, 3}) {
            ConvTranspose2d t = new ConvTranspose2d(inner, new VectorKernels(th), th);
            float[] y = new float[n * t.outSize()];
            float[] dx = new float[n * t.inSize()];
            float[] dw = new float[t.weightSize()];
            t.forward(n, x, 0, w, null, y, 0);
            t.adjoint(n, e, 0, w, dx, 0);
            t.weightGrad(n, x, 0, e, 0, 1f, dw, 0f);
            float[][] now = {y, dx, dw};
            if (first == null) {
                first = now;
            } else {
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(first[i], now[i], "output " + i);
                }
            }
        }
    }

    @Test
    void outputPaddingMustBeSmallerThanTheStride() {
        PcnException ex = assertThrows(PcnException.class,
                () -> ConvTranspose2d.geometry("z->image", 8, 7, 7, 1, 3, 3, 2, 2, 1, 1, 2, 2, 1));
        assertEquals("z->image: output_padding 2x2 must be >= 0 and smaller than the stride 2x2", ex.getMessage());
        // 7x7 -> 14x14 with kernel 3, stride 2, padding 1, output_padding 1 (a DCGAN-style upsampling).
        ConvGeometry g = ConvTranspose2d.geometry("z->image", 8, 7, 7, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        assertArrayEquals(new int[] {1, 14, 14}, g.inShape());
    }
}

package org.pcn4j.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcn4j.PcnException;

/** Max and average pooling against direct loops, and their backward passes as exact adjoints. */
class Pool2dTest {
    // channels, h, w, window, stride
    @ParameterizedTest
    @CsvSource({"3,7,9,2,2", "2,8,8,2,2", "2,9,7,3,2", "1,5,5,3,1"})
    void forwardMatchesTheLoopsAndBackwardIsTheAdjoint(int c, int h, int w, int k, int s) {
        int n = 2;
        float[] x = Conv2dTest.random(n * c * h * w, 51);
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            Pool2d p = new Pool2d(null, kind, c, h, w, k, k, s, s);
            float[] y = new float[n * p.outSize()];
            int[] arg = new int[n * p.outSize()];
            p.forward(n, x, 0, y, 0, arg);
            double[] want = ConvReference.pool(kind == Pool2d.Kind.MAX, n, c, h, w, k, s, x);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], y[i], 1e-6, kind + " pool output " + i);
            }
            // Backward is the transpose of the (piecewise) linear forward: <pool(x'), g> = <x', pool^T(g)>
            // for any x' that keeps the argmax, and in particular for x itself.
            float[] g = Conv2dTest.random(y.length, 52);
            float[] dx = new float[x.length];
            p.backward(n, g, 0, arg, dx, 0);
            double lhs = 0;
            for (int i = 0; i < y.length; i++) {
                lhs += (double) y[i] * g[i];
            }
            double rhs = 0;
            for (int i = 0; i < x.length; i++) {
                rhs += (double) x[i] * dx[i];
            }
            assertEquals(lhs, rhs, 1e-5, kind + " adjoint");
        }
    }

    @Test
    void maxPoolRoutesTheErrorToTheArgmaxOnly() {
        // One 4x4 plane with known maxima in each 2x2 window.
        float[] x = {1, 5, 0, 0,
                     2, 3, 0, 9,
                     7, 0, 4, 4,
                     0, 0, 4, 1};
        Pool2d p = new Pool2d(Pool2d.Kind.MAX, 1, 4, 4, 2, 2);
        float[] y = new float[4];
        int[] arg = new int[4];
        p.forward(1, x, 0, y, 0, arg);
        assertArrayEquals(new float[] {5, 9, 7, 4}, y);
        assertArrayEquals(new int[] {1, 7, 8, 10}, arg); // the tie 4,4,4 goes to the first, as PyTorch
        float[] dx = new float[16];
        p.backward(1, new float[] {1, 2, 3, 4}, 0, arg, dx, 0);
        float[] want = new float[16];
        want[1] = 1;
        want[7] = 2;
        want[8] = 3;
        want[10] = 4;
        assertArrayEquals(want, dx);
        Pool2d avg = new Pool2d(Pool2d.Kind.AVG, 1, 4, 4, 2, 2);
        avg.backward(1, new float[] {4, 0, 0, 0}, 0, null, dx, 0);
        assertEquals(1f, dx[0]);
        assertEquals(1f, dx[5]);
        assertEquals(0f, dx[2]);
    }

    @Test
    void shapesAndErrors() {
        Pool2d p = new Pool2d(Pool2d.Kind.MAX, 32, 7, 7, 2, 2);
        assertArrayEquals(new int[] {32, 3, 3}, p.outShape()); // floor mode, as nn.MaxPool2d
        assertFalse(p.tiles());
        assertTrue(new Pool2d(Pool2d.Kind.AVG, 1, 8, 6, 2, 2).tiles());
        PcnException ex = assertThrows(PcnException.class,
                () -> new Pool2d("c2->c3", Pool2d.Kind.MAX, 4, 3, 3, 4, 4, 4, 4));
        assertEquals("c2->c3: pool size 4x4 is larger than the input 4x3x3", ex.getMessage());
        assertEquals(Pool2d.Kind.AVG, Pool2d.Kind.parse(" Avg "));
        assertThrows(PcnException.class, () -> Pool2d.Kind.parse("min"));
    }
}

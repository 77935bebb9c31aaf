package org.pcn4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class InitOpsTest {

    private static double std(Tensor w) {
        double mean = Ops.mean(w);
        return Math.sqrt(Ops.sumSquares(w) / w.size() - mean * mean);
    }

    @Test
    void initializersHaveTheDocumentedScaleAndAreSeeded() {
        int out = 200, in = 300; // nn.Linear layout [out, in]: fan_in = 300, fan_out = 200
        Tensor w = new Tensor(out, in);
        double xavierLimit = Math.sqrt(6.0 / (in + out));
        Init.xavierUniform(w, new SplittableRandom(1));
        assertTrue(Ops.maxAbs(w) <= xavierLimit);
        assertEquals(xavierLimit / Math.sqrt(3), std(w), 0.02 * xavierLimit);
        Init.xavierNormal(w, new SplittableRandom(1));
        assertEquals(Math.sqrt(2.0 / (in + out)), std(w), 0.02 * Math.sqrt(2.0 / (in + out)));
        Init.kaimingUniform(w, new SplittableRandom(1));
        double kaimingLimit = Math.sqrt(6.0 / in);
        assertTrue(Ops.maxAbs(w) <= kaimingLimit);
        assertTrue(Ops.maxAbs(w) > 0.99 * kaimingLimit);
        Init.kaimingNormal(w, new SplittableRandom(1));
        assertEquals(Math.sqrt(2.0 / in), std(w), 0.02 * Math.sqrt(2.0 / in));
        Init.normal(w, new SplittableRandom(1), 0.05);
        assertEquals(0.05, std(w), 0.001);
        assertEquals(0.0, Ops.mean(w), 0.001);
        Init.zeros(w);
        assertEquals(0f, Ops.maxAbs(w));

        Tensor a = Init.apply("he_normal", new Tensor(3, 4), new SplittableRandom(42));
        Tensor b = Init.kaimingNormal(new Tensor(3, 4), new SplittableRandom(42));
        assertArrayEquals(a.data(), b.data());
        Tensor c = Init.apply("glorot-uniform", new Tensor(3, 4), new SplittableRandom(42));
        assertArrayEquals(Init.xavierUniform(new Tensor(3, 4), new SplittableRandom(42)).data(), c.data());
        assertEquals(0.01, std(Init.apply("normal:0.01", new Tensor(100, 100), new SplittableRandom(3))), 0.0005);
        assertTrue(Ops.maxAbs(Init.apply("uniform:0.2", new Tensor(10, 10), new SplittableRandom(3))) <= 0.2);
        assertThrows(PcnException.class, () -> Init.apply("lecun", new Tensor(2, 2), new SplittableRandom(1)));
        assertThrows(PcnException.class, () -> Init.apply("normal", new Tensor(2, 2), new SplittableRandom(1)));
        assertThrows(PcnException.class, () -> Init.kaimingNormal(new Tensor(2, 0), new SplittableRandom(1)));
    }

    @Test
    void elementwiseOps() {
        Tensor a = new Tensor(2, 3, new float[] {1, 2, 3, 4, 5, 6});
        Tensor b = new Tensor(2, 3, new float[] {6, 5, 4, 3, 2, 1});
        Tensor o = new Tensor(2, 3);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, Ops.add(a, b, o).data());
        assertArrayEquals(new float[] {-5, -3, -1, 1, 3, 5}, Ops.sub(a, b, o).data());
        assertArrayEquals(new float[] {6, 10, 12, 12, 10, 6}, Ops.mul(a, b, o).data());
        Tensor y = b.copy();
        assertArrayEquals(new float[] {8, 9, 10, 11, 12, 13}, Ops.axpy(2f, a, y).data());
        assertArrayEquals(new float[] {4, 4.5f, 5, 5.5f, 6, 6.5f}, Ops.scale(y, 0.5f).data());
        Tensor x = a.copy();
        Ops.addRow(x, new Tensor(1, 3, new float[] {10, 20, 30}));
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, x.data());
        assertThrows(IllegalArgumentException.class, () -> Ops.add(a, new Tensor(3, 2), o));
        Ops.add(a, b, a); // output may alias an input
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, a.data());
    }

    @Test
    void reductions() {
        Tensor a = new Tensor(3, 3, new float[] {1, -7, 3, 2, 2, 0, Float.NaN, 5, 1});
        Tensor b = new Tensor(2, 3, new float[] {1, -7, 3, 2, 2, 0});
        assertEquals(1.0, Ops.sum(b));
        assertEquals(1.0 / 6, Ops.mean(b), 1e-12);
        assertEquals(1 + 49 + 9 + 4 + 4, Ops.sumSquares(b));
        assertEquals(7f, Ops.maxAbs(b));
        assertTrue(Float.isNaN(Ops.maxAbs(a)));
        // first largest on ties; NaN never wins
        assertArrayEquals(new int[] {2, 0, 1}, Ops.argmaxRows(a));
        assertArrayEquals(new float[] {-3, 4}, Ops.sumRows(b).data());
        assertArrayEquals(new float[] {3, -5, 3}, Ops.sumCols(b).data());
        assertTrue(Double.isNaN(Ops.mean(new Tensor(0, 3))));
        assertEquals(-1, Ops.argmax(new float[0], 0, 0));
        float[] big = new float[1001];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        assertEquals(500500.0, Ops.sum(big, 0, big.length));
        assertEquals(500500.0 - 0 - 1, Ops.sum(big, 2, 999));
    }
}

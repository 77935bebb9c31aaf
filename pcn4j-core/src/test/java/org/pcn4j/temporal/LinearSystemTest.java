package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class LinearSystemTest {
    private static LinearSystem.Builder ok() {
        return LinearSystem.builder()
                .a(Mat.identity(2))
                .b(new double[][] {{0}, {1}})
                .c(new double[][] {{1, 0}})
                .q(Mat.identity(2))
                .r(new double[][] {{1}});
    }

    private static String fail(LinearSystem.Builder b) {
        return assertThrows(PcnException.class, b::build).getMessage();
    }

    @Test
    void rejectsMismatchedSizesAndSingularNoise() {
        assertTrue(fail(ok().b(new double[][] {{0}, {1}, {2}})).startsWith("B has 3 rows"));
        assertTrue(fail(ok().c(new double[][] {{1, 0, 0}})).startsWith("C has 3 columns"));
        assertTrue(fail(ok().q(Mat.identity(3))).startsWith("Q is 3x3 but must be 2x2"));
        assertTrue(fail(ok().r(Mat.identity(2))).startsWith("R is 2x2 but must be 1x1"));
        assertEquals("Q is singular", fail(ok().q(new double[][] {{1, 1}, {1, 1}})));
        assertEquals("R is singular", fail(ok().r(new double[][] {{0}})));
        assertTrue(fail(ok().x0(new double[3])).startsWith("x0 has 3 entries"));
        assertTrue(fail(ok().a(new double[][] {{1, 0}, {1}})).startsWith("A row 2 has 1 entries"));
    }

    @Test
    void simulatesTheConfiguredInputAndIsReproducible() {
        LinearSystem s = ok().input(new double[] {2}, 0.5).build();
        LinearSystem.Trajectory t1 = s.simulate(10, 4);
        LinearSystem.Trajectory t2 = s.simulate(10, 4);
        assertEquals(2 * Math.exp(-0.5), t1.inputs()[0][0], 1e-15);
        assertEquals(t1.states()[9][1], t2.states()[9][1]);
        assertEquals(10, t1.observations().length);
    }
}

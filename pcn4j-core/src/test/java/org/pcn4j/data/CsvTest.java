package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;

class CsvTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) {
        return Fixtures.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    private static void oneLine(PcnException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void parsesWithoutHeader() {
        Csv.Table t = Csv.read(csv("a.csv", "1.5,-2,0\n3e2, 4 ,1\r\n\n0.25,\"7\",2\n"));
        assertNull(t.header());
        assertEquals(3, t.rows());
        assertEquals(2, t.features());
        assertArrayEquals(new float[] {1.5f, -2f, 300f, 4f, 0.25f, 7f}, t.values());
        assertArrayEquals(new int[] {0, 1, 2}, t.labels());
        assertEquals(3, t.classes());
    }

    @Test
    void detectsHeaderAndGzip() {
        byte[] text = "sepal,petal,\"class\"\n5.1,1.4,0\n6.3,4.9,2.0\n".getBytes(StandardCharsets.UTF_8);
        Path f = Fixtures.write(dir.resolve("h.csv.gz"), Fixtures.gzip(text));
        Csv.Table t = Csv.read(f);
        assertArrayEquals(new String[] {"sepal", "petal", "class"}, t.header());
        assertEquals(2, t.rows());
        assertArrayEquals(new int[] {0, 2}, t.labels());
    }

    @Test
    void loadsAsDatasetValuesAsIs() {
        Path f = csv("d.csv", "x,y,label\n10,-5,1\n20,5,0\n30,0,1\n");
        DatasetSplits s = Datasets.load("csv:" + f, null);
        assertEquals("csv:" + f, s.name());
        assertNull(s.test());
        assertEquals(3, s.train().size());
        assertArrayEquals(new int[] {2}, s.shape());
        assertEquals(2, s.classes());
        assertFalse(s.train().isUint8());
        assertEquals(-5f, s.train().rawMin());
        assertEquals(30f, s.train().rawMax());
        assertEquals(Normalization.NONE, s.normalization());
        assertArrayEquals(new float[] {1f, 0f}, s.inputAffine().scalar());
        float[] x = new float[2];
        s.train().features(2, x, 0);
        assertArrayEquals(new float[] {30f, 0f}, x);
        // scale01 for CSV: per-feature min-max of the training split
        InputAffine a = s.withNormalization(Normalization.SCALE01).inputAffine();
        assertFalse(a.isUniform());
        assertEquals(0f, a.apply(0, 10f), 1e-6);
        assertEquals(1f, a.apply(0, 30f), 1e-6);
        assertEquals(0f, a.apply(1, -5f), 1e-6);
        assertEquals(1f, a.apply(1, 5f), 1e-6);
    }

    @Test
    void nonNumericCell() {
        Path f = csv("bad.csv", "a,b,c\n1,2,0\n3,x7,1\n");
        PcnException e = assertThrows(PcnException.class, () -> Csv.read(f));
        oneLine(e, f + ":3", "column 2", "'x7'");
        Path nan = csv("nan.csv", "1,2,0\nNaN,2,1\n");
        oneLine(assertThrows(PcnException.class, () -> Csv.read(nan)), nan + ":2", "column 1", "NaN");
    }

    @Test
    void raggedRows() {
        Path f = csv("r.csv", "1,2,0\n3,4,1\n5,1\n");
        oneLine(assertThrows(PcnException.class, () -> Csv.read(f)), f + ":3", "2 columns, expected 3");
    }

    @Test
    void badLabels() {
        Path f = csv("l.csv", "1,2,0\n3,4,1.5\n");
        oneLine(assertThrows(PcnException.class, () -> Csv.read(f)), f + ":2", "column 3", "'1.5'");
        Path g = csv("m.csv", "1,2,-1\n");
        oneLine(assertThrows(PcnException.class, () -> Csv.read(g)), g + ":1", "'-1'");
    }

    @Test
    void emptyAndMissing() {
        Path f = csv("e.csv", "a,b,label\n\n");
        oneLine(assertThrows(PcnException.class, () -> Csv.read(f)), f.toString(), "no data rows");
        Path g = dir.resolve("missing.csv");
        oneLine(assertThrows(PcnException.class, () -> Datasets.load("csv:" + g, null)), g.toString(), "no such file");
    }

    @Test
    void numberSyntax() {
        for (String s : new String[] {"0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-0.5e+2"}) {
            assertTrue(Csv.isNumber(s), s);
        }
        for (String s : new String[] {"", "-", ".", "e3", "1e", "0x10", "1f", "Infinity", "NaN", "1,2", "a"}) {
            assertFalse(Csv.isNumber(s), s);
        }
    }
}

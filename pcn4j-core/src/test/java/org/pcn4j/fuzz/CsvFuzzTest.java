package org.pcn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.data.Csv;

/** CSV tables: truncations, byte flips, wrong cell types, hostile labels, raw and gzip'd. */
class CsvFuzzTest {
    @TempDir
    Path tmp;

    static final String VALID = "a,b,\"c d\",label\n0.5,1,-2e3,0\n1.5,\"2\",3,1\n\n4,5.25,6,2\n7,8,9,1\n";

    @Test
    void everyGeneratedTableIsAcceptedOrRefusedWithOneLineNamingIt() {
        Fuzz f = new Fuzz("CSV", tmp);
        Fuzz.Parser csv = Csv::read;
        byte[] v = Fuzz.utf8(VALID);
        f.check("valid", "t.csv", v, csv);
        assertEquals(1, f.accepted());
        for (boolean gz : new boolean[] {false, true}) {
            String g = gz ? " gz" : "";
            byte[] c = gz ? Fuzz.gzip(v) : v;
            int k = 0;
            for (byte[] b : Fuzz.truncations(c)) {
                f.check("truncated at " + k++ + g, "t.csv", b, csv);
            }
            for (int mask : new int[] {0x01, 0x20, 0x80}) {
                k = 0;
                for (byte[] b : Fuzz.flips(c, mask)) {
                    f.check("byte " + k++ + " ^" + mask + g, "t.csv", b, csv);
                }
            }
        }
        String[] cells = {"x", "", "\"", "1e999", "-1e999", "NaN", "Infinity", "1e-999", "0x10", "１", "1.5", "-1",
                "100000", "16000000", "4294967296", "65535", "65536", "99999999999999999999", " 3 ", "\"4\"",
                "1,2", "\"a\"\"b\"", "\u0000", "\uFEFF1", "-0", "+2", ".5", "5.", "1e5", "3.0"};
        int k = 0;
        for (String cell : cells) {
            f.check("label cell '" + cell + "'", "l.csv", Fuzz.utf8("1,2,0\n3,4," + cell + "\n5,6,1\n"), csv);
            f.check("feature cell '" + cell + "'", "x.csv", Fuzz.utf8("1,2,0\n3," + cell + ",1\n"), csv);
            k++;
        }
        f.check("one column", "o.csv", Fuzz.utf8("1\n2\n"), csv);
        f.check("header only", "h.csv", Fuzz.utf8("a,b\n"), csv);
        f.check("ragged", "g.csv", Fuzz.utf8("1,2,0\n1,2\n"), csv);
        f.check("unbalanced quote", "q.csv", Fuzz.utf8("1,\"2,0\n1,2,1\n"), csv);
        f.check("long line", "w.csv", Fuzz.utf8("1,".repeat(20_000) + "0\n"), csv);
        f.check("long cell", "c.csv", Fuzz.utf8("1," + "9".repeat(100_000) + "\n"), csv);
        f.check("not UTF-8", "u.csv", new byte[] {(byte) 0xC3, 0x28, ',', '1', '\n'}, csv);
        SplittableRandom r = new SplittableRandom(21);
        String alphabet = "0123456789,.-+e\"\n \r\tE";
        for (int n = 0; n < 300; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(60);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            f.check("random text " + n, "r.csv", Fuzz.utf8(sb.toString()), csv);
        }
        for (byte[] b : Fuzz.randomFlips(Fuzz.gzip(v), 200, 22)) {
            f.check("gz random flips", "t.csv.gz", b, csv);
        }
        f.check("a folder", tmp, csv);
        Path fifo = Fuzz.fifo(tmp, "fifo.csv");
        if (fifo != null) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.check("a FIFO", fifo, csv));
        }
        String tally = f.report();
        assertTrue(f.cases() > 1000 && f.accepted() > 0 && f.refused() > 0, tally);
    }

    @Test
    void aStrayHugeLabelIsRefusedInsteadOfBuildingAHugeNetwork() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append(i).append(',').append(i == 7 ? 100_000 : i % 3).append('\n');
        }
        Path p = Files.writeString(tmp.resolve("stray.csv"), sb.toString());
        String m = assertThrows(PcnException.class, () -> Csv.read(p)).getMessage();
        assertTrue(m.contains("stray.csv") && m.contains("label 100000") && m.contains("data row 8")
                && m.contains("limit of " + Csv.MAX_CLASSES), m);
        // Under the cap, but 3 distinct labels in 30 rows cannot mean 1001 classes.
        Path s = Files.writeString(tmp.resolve("sparse.csv"), sb.toString().replace(",100000", ",1000"));
        m = assertThrows(PcnException.class, () -> Csv.read(s)).getMessage();
        assertTrue(m.contains("sparse.csv") && m.contains("1001 classes") && m.contains("4 distinct labels")
                && m.contains("dense"), m);
        Path q = Files.writeString(tmp.resolve("huge.csv"), "1,16000000\n2,0\n");
        m = assertThrows(PcnException.class, () -> Csv.read(q)).getMessage();
        assertTrue(m.contains("huge.csv") && m.contains("limit of " + Csv.MAX_CLASSES), m);
        // Classes that skip a few indices (a subset file) are still fine.
        Path ok = Files.writeString(tmp.resolve("ok.csv"), "1,0\n2,9\n3,4\n");
        assertEquals(10, Csv.read(ok).classes());
    }
}

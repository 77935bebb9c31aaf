package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private long now;

    @Test
    void plainLinesAreThrottled() {
        StringWriter sw = new StringWriter();
        ProgressBar p = new ProgressBar(new PrintWriter(sw), false, null, () -> now, 5_000_000_000L);
        now = 0;
        p.start("train-images.gz", 4L << 20);
        for (int i = 1; i <= 40; i++) {
            now = i * 250_000_000L; // 10 s in steps of 0.25 s
            p.update(i * (4L << 20) / 40);
        }
        p.finish();
        List<String> lines = sw.toString().lines().toList();
        assertEquals(3, lines.size(), sw.toString()); // at 5 s, at 10 s, and the final line
        assertEquals("train-images.gz: 50% (2.0/4.0 MiB), 409.6 KiB/s, ETA 0:05", lines.get(0));
        assertEquals("train-images.gz: 4.0 MiB in 10.0 s, 409.6 KiB/s", lines.get(2));
        assertFalse(sw.toString().contains("\r"));
    }

    @Test
    void terminalRedrawsOneLine() {
        StringWriter sw = new StringWriter();
        ProgressBar p = new ProgressBar(new PrintWriter(sw), true, "batches", () -> now, 100_000_000L);
        now = 0;
        p.start("epoch 1/3", 10);
        now = 1_000_000_000L;
        p.update(5);
        now = 2_000_000_000L;
        p.update(10);
        p.finish();
        String s = sw.toString();
        assertTrue(s.startsWith("\repoch 1/3 [>"), s);
        assertTrue(s.contains("\repoch 1/3 [============>           ]  50%  5/10 batches  5.0 batches/s  ETA 0:01"), s);
        assertTrue(s.endsWith("100%  10/10 batches  5.0 batches/s\n"), s);
        assertEquals(1, s.chars().filter(c -> c == '\n').count());
    }

    @Test
    void unknownTotalAndFormats() {
        StringWriter sw = new StringWriter();
        ProgressBar p = new ProgressBar(new PrintWriter(sw), false, null, () -> now, 1);
        now = 0;
        p.start("x", -1);
        now = 2_000_000_000L;
        p.update(3000);
        assertEquals("x: 2.9 KiB, 1.5 KiB/s", sw.toString().lines().findFirst().orElse(""));
        assertEquals("512 B", ProgressBar.bytes(512));
        assertEquals("1.5 GiB", ProgressBar.bytes(1.5 * (1L << 30)));
        assertEquals("1:01:05", ProgressBar.duration(3665));
        assertEquals("0:09", ProgressBar.duration(9));
    }
}

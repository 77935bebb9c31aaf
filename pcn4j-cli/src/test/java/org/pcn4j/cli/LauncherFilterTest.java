package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's stderr filter (the {@code drop_incubator_warning} function of {@code ./pcn4j}):
 * it drops the JVM's incubator warning and passes a progress bar's carriage-return redraws through
 * as they come, which a line filter (grep --line-buffered) held back until a newline.
 */
class LauncherFilterTest {
    private static final Path LAUNCHER = Path.of("..", "pcn4j");

    /** Runs {@code producer | drop_incubator_warning} in bash; returns what arrived within {@code early} ms, and all of it. */
    private static String[] filter(String producer, long earlyMillis) throws Exception {
        String script = "set -euo pipefail\neval \"$(sed -n '/^drop_incubator_warning() {/,/^}/p' "
                + LAUNCHER.toAbsolutePath() + ")\"\n{ " + producer + "; } | drop_incubator_warning\n";
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = p.getInputStream();
        Thread reader = new Thread(() -> {
            try {
                byte[] buf = new byte[256];
                for (int r; (r = in.read(buf)) > 0;) {
                    synchronized (got) {
                        got.write(buf, 0, r);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        Thread.sleep(earlyMillis);
        String early;
        synchronized (got) {
            early = got.toString(StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        reader.join(5000);
        return new String[] {early, got.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void theWarningIsDroppedAndRedrawsPassAsTheyCome() throws Exception {
        if (!Files.isRegularFile(LAUNCHER)) {
            return; // run from elsewhere than the module folder
        }
        String[] r = filter("printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n'; printf 'bar 1\\r';"
                + " sleep 4; printf 'bar 2\\r'; printf 'done\\n'", 2000);
        assertEquals("bar 1\r", r[0], "the first redraw arrives while the producer still runs");
        assertEquals("bar 1\rbar 2\rdone\n", r[1]);
    }

    @Test
    void otherFirstLinesAndUnfinishedLinesPassThrough() throws Exception {
        if (!Files.isRegularFile(LAUNCHER)) {
            return;
        }
        assertEquals("pcn4j: error: x\nWARNING: Using incubator modules: later\n",
                filter("printf 'pcn4j: error: x\\nWARNING: Using incubator modules: later\\n'", 0)[1]);
        assertEquals("no newline", filter("printf 'no newline'", 0)[1]);
        assertEquals("", filter("true", 0)[1]);
    }
}

package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackendsTest {

    /** Entry point for the child JVM below: prints the chosen backend's name. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println(Backends.current().name());
        }
    }

    @Test
    void choosesVectorWhenTheModuleIsPresent() {
        // surefire runs with --add-modules jdk.incubator.vector
        assertTrue(Backends.vectorApiAvailable());
        String old = System.getProperty("pcn4j.kernels");
        try {
            System.clearProperty("pcn4j.kernels");
            if (System.getenv("PCN4J_KERNELS") == null) {
                assertTrue(Backends.choose() instanceof VectorKernels);
            }
            System.setProperty("pcn4j.kernels", "scalar");
            assertTrue(Backends.choose() instanceof ScalarKernels);
            System.setProperty("pcn4j.kernels", "vector");
            assertTrue(Backends.choose() instanceof VectorKernels);
        } finally {
            if (old == null) {
                System.clearProperty("pcn4j.kernels");
            } else {
                System.setProperty("pcn4j.kernels", old);
            }
        }
    }

    /** A JVM without the incubator module gets scalar kernels, one warning line, and no linkage error. */
    @Test
    void withoutTheModuleFallsBackToScalarWithOneWarning() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Path err = Files.createTempFile("pcn4j-probe", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xshare:auto", "-cp", cp, Probe.class.getName()));
            pb.environment().remove("PCN4J_KERNELS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "child failed: " + Files.readString(err));
            assertEquals("scalar", out);
            List<String> lines = Files.readAllLines(err);
            assertEquals(List.of("pcn4j: warning: jdk.incubator.vector is not enabled; using scalar kernels"
                    + " (add --add-modules jdk.incubator.vector for speed)"), lines);
        } finally {
            new File(err.toString()).delete();
        }
    }

    @Test
    void heapPagesNameTheKernelsModeAndTheJvmsRequest() {
        assertEquals("2 MiB (THP madvise, -XX:+UseTransparentHugePages)", Backends.heapPages("madvise", true));
        assertTrue(Backends.heapPages("madvise", false).startsWith("4 KiB (THP madvise, not requested"));
        assertEquals("2 MiB where the kernel can (THP always)", Backends.heapPages("always", false));
        assertEquals("4 KiB (THP never)", Backends.heapPages("never", true));
        assertEquals("4 KiB (no transparent huge pages)", Backends.heapPages(null, true));
        String here = Backends.heapPages();
        assertTrue(here.startsWith("2 MiB") || here.startsWith("4 KiB"), here);
    }
}

package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.util.Json;

/**
 * The documentation is tested as printed.
 *
 * <p>Every {@code ```java} block in README.md and docs/*.md is a whole program: its imports, one
 * top-level class and a {@code main}. That is the wrapping rule, and it is "no wrapping": the block
 * is written to {@code ClassName.java} unchanged, compiled with javax.tools against this module's
 * test classpath (core and cli) and run in a fresh JVM, in an empty working folder, which is what
 * a reader who pastes it gets. A block that only shows a fragment must use another fence language.
 *
 * <p>The example files the README names ({@code examples/experiment.yaml}, {@code examples/graph.yaml})
 * are run through the CLI (for one or two epochs), and relative links in the docs must point at
 * files that exist.
 */
class DocsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```\\s*$", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @TempDir
    Path tmp;

    record Snippet(String file, int line, String className, String source) {
        @Override
        public String toString() {
            return file + ":" + line + " (" + className + ")";
        }
    }

    /** The repository root: the module's parent, the folder holding mvnw. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        assertNotNull(p, "repository root (with mvnw) above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(root().resolve("README.md"));
        try (Stream<Path> s = Files.list(root().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    static List<Snippet> snippets() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            Matcher m = JAVA_BLOCK.matcher(text);
            while (m.find()) {
                int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                String rel = root().relativize(doc).toString();
                Matcher c = CLASS.matcher(m.group(1));
                assertTrue(c.find(), rel + ":" + line + ": a java block must be a whole program with a public class");
                out.add(new Snippet(rel, line, c.group(1), m.group(1)));
            }
        }
        return out;
    }

    /** The classpath the tests run with (surefire runs them from a manifest-only jar). */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void theDocsHaveJavaSnippets() throws IOException {
        List<Snippet> all = snippets();
        assertTrue(all.size() >= 3, "snippets found: " + all);
        assertTrue(all.stream().anyMatch(s -> s.file().equals("README.md")), "the README has a library example");
        assertEquals(all.size(), all.stream().map(Snippet::className).distinct().count(), "class names are unique");
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompilesAndRunsAsPrinted() throws IOException {
        return snippets().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> compileAndRun(s)));
    }

    private void compileAndRun(Snippet s) throws IOException, InterruptedException {
        Path src = Files.createDirectories(tmp.resolve(s.className() + "-src"));
        Path classes = Files.createDirectories(tmp.resolve(s.className() + "-classes"));
        Path work = Files.createDirectories(tmp.resolve(s.className() + "-work"));
        Path file = src.resolve(s.className() + ".java");
        Files.writeString(file, s.source());

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK (javax.tools) runs the tests");
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", classpath(), "-d", classes.toString(),
                    "-Xlint:all", "-Werror");
            boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjects(file.toFile())).call();
            StringBuilder msg = new StringBuilder();
            diags.getDiagnostics().forEach(d -> msg.append("\n  line ").append(s.line() + d.getLineNumber())
                    .append(": ").append(d.getMessage(Locale.ROOT)));
            assertTrue(ok, s + " does not compile:" + msg);
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx1g",
                "-cp", classes + File.pathSeparator + classpath(), s.className())
                .directory(work.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // the snippets are short: this returns when they exit
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), s + " did not finish within 120 s");
        String printed = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), s + " failed:\n" + printed);
        assertFalse(printed.strip().isEmpty(), s + " prints what it computed");
        System.out.println(s + " printed: " + printed.strip().replace('\n', ' '));
    }

    @Test
    void theReadmeStaysShortAndKeepsTheSetUpCommands() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int words = readme.split("\\s+").length;
        assertTrue(words <= 900, "README.md has " + words + " words; reference text belongs in docs/");
        assertTrue(readme.contains("```sh\n./pcn4j train --dataset digits\n```"), "the first set-up command");
        assertTrue(readme.contains("```sh\n./mvnw -B verify\n```"), "the second set-up command");
        for (String page : new String[] {"cli", "graphs", "generation", "memory", "library", "algorithms"}) {
            assertTrue(readme.contains("](docs/" + page + ".md)"), "the docs map links docs/" + page + ".md");
        }
    }

    @Test
    void relativeLinksInTheDocsPointAtFiles() throws IOException {
        for (Path doc : documents()) {
            // Code blocks are not prose: Python's layers[-1](x) is not a link.
            String prose = Files.readString(doc).replaceAll("(?ms)^```.*?^```", "");
            Matcher m = LINK.matcher(prose);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // web links and in-page anchors
                }
                Path t = doc.getParent().resolve(target.replaceAll("#.*$", "")).normalize();
                assertTrue(Files.exists(t), root().relativize(doc) + " links to a missing file: " + target);
            }
        }
    }

    @Test
    void theExampleExperimentTrains() throws IOException {
        Path experiment = root().resolve("examples/experiment.yaml");
        Path out = tmp.resolve("experiment");
        CliRunner.Result r = CliRunner.run("train", "--config", experiment.toString(), "--epochs", "1", "--quiet",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("config.json")));
        assertEquals("digits", config.get("dataset"), config.toString());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(1, metrics.size());
        double acc = ((Number) Json.parseObject(metrics.get(0)).get("test_accuracy")).doubleValue();
        assertTrue(acc > 0.5, "one epoch of the example experiment is far above chance (10 %): " + acc);
        assertTrue(Files.exists(out.resolve("accuracy.png")) && Files.exists(out.resolve("model.safetensors")));
    }

    @Test
    void theExampleGraphShowsAndTrains() throws IOException {
        Path graph = root().resolve("examples/graph.yaml");
        // docs/graphs.md prints the file (after its header comment) as its first YAML block.
        String doc = Files.readString(root().resolve("docs/graphs.md"));
        Matcher block = Pattern.compile("(?ms)^```yaml\\n(.*?)^```").matcher(doc);
        assertTrue(block.find(), "docs/graphs.md has a yaml block");
        String file = Files.readString(graph).replaceFirst("(?s)^(#[^\\n]*\\n)+", "");
        assertEquals(file, block.group(1), "docs/graphs.md shows examples/graph.yaml as it is");
        CliRunner.Result show = CliRunner.run("graph", "show", graph.toString(), "--no-png");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("4 nodes, 5 edges") && show.out().contains("cycles: yes (back edges h2->h1)"),
                show.out());
        Path out = tmp.resolve("graph");
        // Two epochs are enough at the faster pre-2026-12 rates (spelled out: the defaults' warmup-cosine at state
        // rate 0.03 needs more epochs than a test should spend).
        CliRunner.Result r = CliRunner.run("train", "--graph", graph.toString(), "--dataset", "digits", "--epochs", "2",
                "--state-lr", "0.1", "--state-momentum", "0.5", "--lr", "1e-3", "--schedule", "constant",
                "--quiet", "--no-plots", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size());
        double acc = ((Number) Json.parseObject(metrics.get(1)).get("test_accuracy")).doubleValue();
        assertTrue(acc > 0.4, "two epochs of the example graph are far above chance (10 %): " + acc);
    }
}

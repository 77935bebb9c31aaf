package org.pcn4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two builds of the CLI timed against each other in one JVM: each jar gets its own class loader
 * (its own statics, its own JIT-compiled code), and rounds alternate A, B, B, A, ... running the same
 * {@code bench step --json} command. Each round's A/B ratio compares two runs seconds apart, under
 * the same load from the rest of the machine; on a shared host whose speed swings by 30 % from one
 * minute to the next, medians of separate processes cannot resolve a 5 % change, and paired ratios
 * can. Round 1 is a warm-up and is dropped.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp pcn4j-bench/target/benchmarks.jar \
 *     org.pcn4j.bench.PairedJars A.jar B.jar ROUNDS bench step --json --models 784-1000-1000-10 --threads 1 --cpu-time --seconds 1
 * </pre>
 *
 * Prints per model and algorithm the median step of each jar and the median, lowest and highest
 * paired ratio A/B of step times (above 1: B is faster).
 */
public final class PairedJars {
    private PairedJars() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("PairedJars: usage: A.jar B.jar ROUNDS bench step --json ...");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[2]);
        String[] cmd = Arrays.copyOfRange(args, 3, args.length);
        Method[] run = new Method[2];
        for (int i = 0; i < 2; i++) {
            File jar = new File(args[i]);
            if (!jar.isFile()) {
                System.err.println("PairedJars: error: " + jar + ": no such file");
                System.exit(2);
            }
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader());
            run[i] = cl.loadClass("org.pcn4j.cli.Main").getMethod("run", String[].class);
        }
        PrintStream out = System.out;
        Map<String, List<double[]>> pairs = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            List<Map<String, Double>> got = new ArrayList<>(List.of(new HashMap<>(), new HashMap<>()));
            for (int j = 0; j < 2; j++) {
                int i = (r & 1) == 0 ? j : 1 - j; // A B, then B A: neither always runs first
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                try {
                    run[i].invoke(null, (Object) cmd);
                } finally {
                    System.setOut(out);
                }
                got.set(i, steps(buf.toString(StandardCharsets.UTF_8)));
            }
            if (r == 0) {
                continue;
            }
            for (Map.Entry<String, Double> e : got.get(0).entrySet()) {
                Double b = got.get(1).get(e.getKey());
                if (b != null) {
                    pairs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {e.getValue(), b});
                }
            }
        }
        if (pairs.isEmpty()) {
            System.err.println("PairedJars: error: no step_us rows (the command must be bench step --json ...)");
            System.exit(1);
        }
        for (Map.Entry<String, List<double[]>> e : pairs.entrySet()) {
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> q = new ArrayList<>();
            for (double[] p : e.getValue()) {
                a.add(p[0]);
                b.add(p[1]);
                q.add(p[0] / p[1]);
            }
            Collections.sort(a);
            Collections.sort(b);
            Collections.sort(q);
            out.printf(Locale.ROOT, "%-28s A %.0f us  B %.0f us (medians)  A/B paired: median %.3f, %.3f-%.3f, %d pairs%n",
                    e.getKey(), a.get(a.size() / 2), b.get(b.size() / 2), q.get(q.size() / 2), q.get(0), q.get(q.size() - 1),
                    q.size());
        }
    }

    /** "model/algorithm" to step_us for each JSON row of bench step's output. */
    static Map<String, Double> steps(String output) {
        Map<String, Double> m = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{") && line.contains("\"step_us\":")) {
                m.put(field(line, "model") + "/" + field(line, "algorithm"), Double.parseDouble(field(line, "step_us")));
            }
        }
        return m;
    }

    /** A top-level field of a flat JSON object, as text (strings without their quotes). */
    static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":");
        if (i < 0) {
            return "";
        }
        int s = i + name.length() + 3;
        if (json.charAt(s) == '"') {
            return json.substring(s + 1, json.indexOf('"', s + 1));
        }
        int e = s;
        while (e < json.length() && ",}".indexOf(json.charAt(e)) < 0) {
            e++;
        }
        return json.substring(s, e);
    }
}

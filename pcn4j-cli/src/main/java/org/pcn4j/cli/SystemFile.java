package org.pcn4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pcn4j.PcnException;
import org.pcn4j.temporal.Activation;
import org.pcn4j.temporal.LinearSystem;
import org.pcn4j.temporal.Mat;
import org.pcn4j.util.AtomicFiles;

/**
 * SYS.yaml (or .json) for {@code pcn4j filter}: {@code A}, {@code B}, {@code C}, {@code Q},
 * {@code R} as lists of rows, {@code x0} a list, {@code activation} identity or tanh, and an optional
 * {@code input: {scale: [..], decay: d}} (u_k = scale exp(-d k)) used by {@code filter simulate}.
 * B may be left out for a system without inputs. Every error names the file and the field.
 */
final class SystemFile {
    private static final Set<String> KEYS = Set.of("A", "B", "C", "Q", "R", "x0", "activation", "input");

    private SystemFile() {}

    static LinearSystem read(Path file) {
        Object top = Config.read(file, "system file");
        if (!(top instanceof Map)) {
            throw new PcnException("system file " + file + ": expected a mapping with A, B, C, Q, R, x0, activation");
        }
        Map<?, ?> m = (Map<?, ?>) top;
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new PcnException("system file " + file + ": unknown field '" + k
                        + "' (expected A, B, C, Q, R, x0, activation, input)");
            }
        }
        try {
            LinearSystem.Builder b = LinearSystem.builder()
                    .a(matrix(m, "A", true))
                    .b(matrix(m, "B", false))
                    .c(matrix(m, "C", true))
                    .q(matrix(m, "Q", true))
                    .r(matrix(m, "R", true));
            if (m.containsKey("x0")) {
                b.x0(vector(m.get("x0"), "x0"));
            }
            if (m.containsKey("activation")) {
                b.activation(Activation.parse(String.valueOf(m.get("activation"))));
            }
            if (m.containsKey("input")) {
                Object in = m.get("input");
                if (!(in instanceof Map)) {
                    throw new PcnException("input must be a mapping {scale: [..], decay: d}");
                }
                Map<?, ?> im = (Map<?, ?>) in;
                b.input(vector(im.get("scale"), "input.scale"), number(im.get("decay"), "input.decay"));
            }
            return b.build();
        } catch (PcnException e) {
            throw new PcnException("system file " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[][] matrix(Map<?, ?> m, String key, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                throw new PcnException(key + " is missing");
            }
            return null;
        }
        if (!(v instanceof List)) {
            throw new PcnException(key + " must be a list of rows");
        }
        List<?> rows = (List<?>) v;
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            Object r = rows.get(i);
            out[i] = r instanceof List ? vector(r, key + " row " + (i + 1)) : new double[] {number(r, key + " row " + (i + 1))};
        }
        return out;
    }

    private static double[] vector(Object v, String what) {
        if (!(v instanceof List)) {
            throw new PcnException(what + " must be a list of numbers");
        }
        List<?> l = (List<?>) v;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(l.get(i), what + " entry " + (i + 1));
        }
        return out;
    }

    private static double number(Object v, String what) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new PcnException(what + ": '" + v + "' is not a number");
    }

    /** Writes a system (learned A and C included) in the format {@link #read} accepts. */
    static void write(Path file, LinearSystem s) {
        StringBuilder sb = new StringBuilder("# pcn4j filter model\n");
        sb.append("activation: ").append(s.activation().label()).append('\n');
        rows(sb, "A", s.a());
        if (s.inputDim() > 0) {
            rows(sb, "B", s.b());
        }
        rows(sb, "C", s.c());
        rows(sb, "Q", s.q());
        rows(sb, "R", s.r());
        sb.append("x0: ").append(list(s.x0())).append('\n');
        try {
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PcnException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void rows(StringBuilder sb, String key, double[][] m) {
        sb.append(key).append(":\n");
        for (double[] r : m) {
            sb.append("  - ").append(list(r)).append('\n');
        }
        if (m.length == 0 || Mat.cols(m) == 0) {
            sb.setLength(sb.length() - 1);
            sb.append(" []\n");
        }
    }

    static String list(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Double.toString(v[i]).toLowerCase(Locale.ROOT));
        }
        return sb.append(']').toString();
    }
}

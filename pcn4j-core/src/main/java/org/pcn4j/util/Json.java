package org.pcn4j.util;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;

/**
 * A small, strict JSON (RFC 8259) parser and writer.
 *
 * <p>Parsing maps objects to {@link LinkedHashMap} (key order kept; duplicate keys are an error),
 * arrays to {@link ArrayList}, strings to {@link String}, {@code true}/{@code false} to
 * {@link Boolean}, {@code null} to {@code null}, and numbers to {@link Long} when written without
 * fraction or exponent and within the range of a long, else to {@link Double}. A number beyond the
 * range of a double is an error. Errors throw {@link PcnException} with the message
 * {@code invalid JSON at line L column C: ...} (both 1-based; the column counts chars).
 *
 * <p>Writing accepts {@link Map} (keys must be strings), {@link Collection}, Java arrays (primitive
 * or Object), {@link CharSequence}, {@link Character}, {@link Enum} (its name), {@link Number},
 * {@link Boolean} and {@code null}. Floats and doubles are written with {@link Float#toString} /
 * {@link Double#toString}, so they read back to the same value ({@code -0.0} included); NaN and
 * infinities, which JSON cannot represent, are written as {@code null}. Non-ASCII characters are
 * written as they are (the output is meant to be encoded as UTF-8), except lone surrogates, which are
 * escaped. Unsupported values throw {@link IllegalArgumentException}.
 *
 * <p>Over 400 lines: a complete, dependency-free JSON parser (with its depth and size limits) and
 * writer for one format; the two share the escaping and number rules.
 */
public final class Json {
    /** Nesting deeper than this is rejected rather than overflowing the stack. */
    public static final int MAX_DEPTH = 512;

    private Json() {}

    // ---------------------------------------------------------------- parsing

    /** Parses one JSON value; only whitespace may surround it. */
    public static Object parse(String text) {
        return parse(text, false);
    }

    /** Parses a JSON text whose top level must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        return (Map<String, Object>) parse(text, true);
    }

    private static Object parse(String text, boolean requireObject) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        if (requireObject && (p.pos >= text.length() || text.charAt(p.pos) != '{')) {
            throw p.error("expected an object ('{') but found " + p.describeChar());
        }
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeChar() + " after the value");
        }
        return value;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            if (s == null) {
                throw new NullPointerException("text");
            }
            this.s = s;
        }

        PcnException error(String what) {
            return errorAt(pos, what);
        }

        PcnException errorAt(int at, String what) {
            int line = 1;
            int lineStart = 0;
            int end = Math.min(at, s.length());
            for (int i = 0; i < end; i++) {
                char c = s.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n'))) {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new PcnException("invalid JSON at line " + line + " column " + (end - lineStart + 1) + ": " + what);
        }

        String describeChar() {
            if (pos >= s.length()) {
                return "end of input";
            }
            char c = s.charAt(pos);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                return String.format("character U+%04X", (int) c);
            }
            return "'" + c + "'";
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(int depth) {
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected " + describeChar() + ", expected a value");
            }
        }

        void literal(String word) {
            if (!s.startsWith(word, pos)) {
                int end = pos;
                while (end < s.length() && Character.isLetterOrDigit(s.charAt(end)) && end - pos < 20) {
                    end++;
                }
                throw error("unknown literal '" + s.substring(pos, Math.max(end, pos + 1)) + "'");
            }
            pos += word.length();
        }

        Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key but found " + describeChar());
                }
                int keyStart = pos;
                String key = string();
                if (map.containsKey(key)) {
                    throw errorAt(keyStart, "duplicate key \"" + key + "\"");
                }
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw error("expected ':' after a key but found " + describeChar());
                }
                pos++;
                skipWhitespace();
                map.put(key, value(depth));
                skipWhitespace();
                if (pos >= s.length()) {
                    throw error("unexpected end of input, expected ',' or '}'");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' but found " + describeChar());
                }
            }
        }

        List<Object> array(int depth) {
            checkDepth(depth);
            pos++; // '['
            ArrayList<Object> list = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth));
                skipWhitespace();
                if (pos >= s.length()) {
                    throw error("unexpected end of input, expected ',' or ']'");
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' but found " + describeChar());
                }
            }
        }

        void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
        }

        String string() {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw errorAt(start, "unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String result = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
                    pos++;
                    return result;
                }
                if (c < 0x20) {
                    throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in string");
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, runStart, pos);
                pos++;
                if (pos >= s.length()) {
                    throw errorAt(start, "unterminated string");
                }
                char e = s.charAt(pos);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        int v = 0;
                        for (int i = 1; i <= 4; i++) {
                            int d = pos + i < s.length() ? Character.digit(s.charAt(pos + i), 16) : -1;
                            if (d < 0) {
                                pos = pos - 1;
                                throw error("invalid \\u escape (needs 4 hex digits)");
                            }
                            v = v * 16 + d;
                        }
                        sb.append((char) v);
                        pos += 4;
                        break;
                    }
                    default:
                        pos--;
                        throw error("invalid escape '\\" + (e < 0x20 ? "?" : String.valueOf(e)) + "' in string");
                }
                pos++;
                runStart = pos;
            }
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("expected a digit in number");
            }
            if (s.charAt(pos) == '0') {
                pos++;
                if (pos < s.length() && isDigit(s.charAt(pos))) {
                    throw error("leading zero in number");
                }
            } else {
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("expected a digit after '.' in number");
                }
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                    throw error("expected a digit in the exponent of number");
                }
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
            }
            String text = s.substring(start, pos);
            if (integral && text.length() <= 20) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooLarge) {
                    // falls through to double
                }
            }
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d)) {
                throw errorAt(start, "number " + abbreviate(text) + " is out of range");
            }
            return d;
        }

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 37) + "...";
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code value} as compact JSON (no whitespace). */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, null).value(value, 0);
        return sb.toString();
    }

    /** Writes {@code value} as JSON indented by two spaces, {@code "key": value}, no trailing newline. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, "  ").value(value, 0);
        return sb.toString();
    }

    /** Appends {@code s} as a quoted, escaped JSON string. */
    public static void quote(CharSequence s, StringBuilder out) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        appendUnicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            appendUnicodeEscape(c, out);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        appendUnicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(char c, StringBuilder out) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) {
            out.append('0');
        }
        out.append(hex);
    }

    private static final class Writer {
        final StringBuilder sb;
        final String indent;

        Writer(StringBuilder sb, String indent) {
            this.sb = sb;
            this.indent = indent;
        }

        void newline(int depth) {
            if (indent != null) {
                sb.append('\n');
                for (int i = 0; i < depth; i++) {
                    sb.append(indent);
                }
            }
        }

        void value(Object v, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH + " (a cycle?)");
            }
            if (v == null) {
                sb.append("null");
            } else if (v instanceof CharSequence) {
                quote((CharSequence) v, sb);
            } else if (v instanceof Character) {
                quote(String.valueOf(v), sb);
            } else if (v instanceof Boolean) {
                sb.append(((Boolean) v).booleanValue());
            } else if (v instanceof Number) {
                number((Number) v);
            } else if (v instanceof Enum) {
                quote(((Enum<?>) v).name(), sb);
            } else if (v instanceof Map) {
                map((Map<?, ?>) v, depth);
            } else if (v instanceof Collection) {
                Collection<?> c = (Collection<?>) v;
                sb.append('[');
                int i = 0;
                for (Object e : c) {
                    element(i++, depth);
                    value(e, depth + 1);
                }
                closeArray(c.isEmpty(), depth, ']');
            } else if (v.getClass().isArray()) {
                array(v, depth);
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        void element(int i, int depth) {
            if (i > 0) {
                sb.append(',');
            }
            newline(depth + 1);
        }

        void closeArray(boolean empty, int depth, char close) {
            if (!empty) {
                newline(depth);
            }
            sb.append(close);
        }

        void map(Map<?, ?> m, int depth) {
            sb.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, not "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                element(i++, depth);
                quote((String) e.getKey(), sb);
                sb.append(indent == null ? ":" : ": ");
                value(e.getValue(), depth + 1);
            }
            closeArray(m.isEmpty(), depth, '}');
        }

        void array(Object a, int depth) {
            int n = Array.getLength(a);
            sb.append('[');
            if (a instanceof float[]) {
                float[] f = (float[]) a;
                for (int i = 0; i < n; i++) {
                    element(i, depth);
                    floatValue(f[i]);
                }
            } else if (a instanceof double[]) {
                double[] d = (double[]) a;
                for (int i = 0; i < n; i++) {
                    element(i, depth);
                    doubleValue(d[i]);
                }
            } else if (a instanceof int[]) {
                int[] d = (int[]) a;
                for (int i = 0; i < n; i++) {
                    element(i, depth);
                    sb.append(d[i]);
                }
            } else if (a instanceof long[]) {
                long[] d = (long[]) a;
                for (int i = 0; i < n; i++) {
                    element(i, depth);
                    sb.append(d[i]);
                }
            } else if (a instanceof char[]) {
                throw new IllegalArgumentException("cannot write a char[] as JSON (use a String)");
            } else {
                for (int i = 0; i < n; i++) {
                    element(i, depth);
                    value(Array.get(a, i), depth + 1);
                }
            }
            closeArray(n == 0, depth, ']');
        }

        void number(Number n) {
            if (n instanceof Double) {
                doubleValue(n.doubleValue());
            } else if (n instanceof Float) {
                floatValue(n.floatValue());
            } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                    || n instanceof BigInteger) {
                sb.append(n);
            } else if (n instanceof BigDecimal) {
                sb.append(((BigDecimal) n).toString());
            } else {
                doubleValue(n.doubleValue());
            }
        }

        void doubleValue(double d) {
            if (Double.isFinite(d)) {
                sb.append(d);
            } else {
                sb.append("null");
            }
        }

        void floatValue(float f) {
            if (Float.isFinite(f)) {
                sb.append(f);
            } else {
                sb.append("null");
            }
        }
    }

    // ---------------------------------------------------------------- typed getters

    /** The string at {@code key}; throws a {@link PcnException} when missing or not a string. */
    public static String getString(Map<String, ?> map, String key) {
        return (String) require(map, key, String.class, "a string");
    }

    /** The integral number at {@code key} as a long. */
    public static long getLong(Map<String, ?> map, String key) {
        Object v = require(map, key, Object.class, "an integer");
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw wrongType(key, "an integer", v);
    }

    /** The integral number at {@code key}, which must fit in an int. */
    public static int getInt(Map<String, ?> map, String key) {
        long v = getLong(map, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new PcnException("JSON key \"" + key + "\": " + v + " is out of range for an int");
        }
        return (int) v;
    }

    /** The number at {@code key} as a double (integers are accepted). */
    public static double getDouble(Map<String, ?> map, String key) {
        return ((Number) require(map, key, Number.class, "a number")).doubleValue();
    }

    /** The boolean at {@code key}. */
    public static boolean getBoolean(Map<String, ?> map, String key) {
        return (Boolean) require(map, key, Boolean.class, "a boolean");
    }

    /** The object at {@code key}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> getObject(Map<String, ?> map, String key) {
        return (Map<String, Object>) require(map, key, Map.class, "an object");
    }

    /** The array at {@code key}. */
    @SuppressWarnings("unchecked")
    public static List<Object> getList(Map<String, ?> map, String key) {
        return (List<Object>) require(map, key, List.class, "an array");
    }

    private static Object require(Map<String, ?> map, String key, Class<?> type, String what) {
        Object v = map.get(key);
        if (v == null) {
            throw new PcnException("JSON key \"" + key + "\" is " + (map.containsKey(key) ? "null" : "missing")
                    + ", expected " + what);
        }
        if (!type.isInstance(v)) {
            throw wrongType(key, what, v);
        }
        return v;
    }

    private static PcnException wrongType(String key, String what, Object v) {
        return new PcnException("JSON key \"" + key + "\" should be " + what + " but is " + typeName(v));
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Boolean) {
            return "a boolean";
        } else if (v instanceof Long || v instanceof Integer) {
            return "an integer";
        } else if (v instanceof Number) {
            return "a number";
        } else if (v instanceof Map) {
            return "an object";
        } else if (v instanceof List) {
            return "an array";
        }
        return "a " + v.getClass().getSimpleName();
    }
}

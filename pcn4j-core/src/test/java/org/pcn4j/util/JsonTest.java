package org.pcn4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class JsonTest {

    private static String error(String text) {
        return assertThrows(PcnException.class, () -> Json.parse(text), text).getMessage();
    }

    @Test
    void parsesScalars() {
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse(" false "));
        assertNull(Json.parse("\n\tnull\r\n"));
        assertEquals("abc", Json.parse("\"abc\""));
        assertEquals(0L, Json.parse("0"));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(100.0, Json.parse("1E2"));
        assertEquals(0.01, Json.parse("1e-2"));
        assertEquals(1.0, Json.parse("1.0"));
        assertEquals(2.5e10, Json.parse("2.5e+10"));
    }

    @Test
    void numberTypes() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(9.223372036854775808e18, Json.parse("9223372036854775808"));
        assertEquals(Double.class, Json.parse("-9223372036854775809").getClass());
        assertEquals(Double.class, Json.parse("123456789012345678901234567890").getClass());
        assertEquals(0L, Json.parse("-0"));
        Object negZero = Json.parse("-0.0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) negZero));
        assertEquals(1e-45, Json.parse("1e-45"));
        assertEquals(Double.MIN_VALUE, Json.parse("4.9E-324"));
        assertEquals(Double.MAX_VALUE, Json.parse("1.7976931348623157E308"));
        assertEquals(0.0, Json.parse("1e-400"), "underflow to zero is allowed");
        assertTrue(error("1e400").contains("out of range"));
        assertTrue(error("-1e400").contains("out of range"));
    }

    @Test
    void malformedNumbers() {
        for (String bad : new String[] {"01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "1.e3", "0x10", "--1",
                "1.5.2", "NaN", "Infinity", "-Infinity", "1 2"}) {
            error(bad);
        }
        assertEquals("invalid JSON at line 1 column 2: leading zero in number", error("01"));
    }

    @Test
    void parsesNestedStructuresKeepingKeyOrder() {
        Object v = Json.parse("{\"z\": 1, \"a\": [true, null, {\"x\": []}, \"s\"], \"m\": {}, \"e\": [ ]}");
        assertTrue(v instanceof LinkedHashMap);
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("z", "a", "m", "e"), new ArrayList<>(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertTrue(a instanceof ArrayList);
        assertEquals(4, a.size());
        assertEquals(true, a.get(0));
        assertNull(a.get(1));
        assertEquals(Map.of("x", List.of()), a.get(2));
        assertEquals(Map.of(), m.get("m"));
        assertEquals(List.of(), m.get("e"));
    }

    @Test
    void stringEscapesAndUnicode() {
        assertEquals("\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€", Json.parse("\"\\u00e9\\u20AC\""));
        assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("日本語 😀", Json.parse("\"日本語 😀\""));
        assertEquals("\u0000", Json.parse("\"\\u0000\""));
        assertEquals("", Json.parse("\"\""));
        assertTrue(error("\"a\nb\"").contains("unescaped control character U+000A"));
        assertTrue(error("\"\\x\"").contains("invalid escape"));
        assertTrue(error("\"\\u12G4\"").contains("4 hex digits"));
        assertTrue(error("\"\\u12").contains("4 hex digits"));
        assertTrue(error("\"abc").contains("unterminated string"));
        assertTrue(error("\"abc\\").contains("unterminated string"));
    }

    @Test
    void structuralErrorsWithLineAndColumn() {
        assertEquals("invalid JSON at line 2 column 8: unknown literal 'tru'", error("{\n  \"a\": tru\n}"));
        assertEquals("invalid JSON at line 3 column 1: expected a string key but found '}'", error("{\r\n\"a\":1,\r\n}"));
        assertEquals("invalid JSON at line 1 column 1: unexpected end of input, expected a value", error(""));
        assertEquals("invalid JSON at line 1 column 3: unexpected end of input, expected ',' or ']'", error("[1"));
        assertEquals("invalid JSON at line 1 column 4: unexpected end of input, expected a value", error("[1,"));
        assertTrue(error("[1,]").contains("expected a value"));
        assertTrue(error("[1 2]").contains("expected ',' or ']'"));
        assertTrue(error("{\"a\" 1}").contains("expected ':'"));
        assertTrue(error("{\"a\":1 \"b\":2}").contains("expected ',' or '}'"));
        assertTrue(error("{a:1}").contains("expected a string key"));
        assertTrue(error("{'a':1}").contains("expected a string key"));
        assertTrue(error("[1] // comment").contains("after the value"));
        assertTrue(error("/* c */ 1").contains("expected a value"));
        assertTrue(error("{} {}").contains("after the value"));
        assertTrue(error("\u00a01").contains("expected a value"), "only JSON whitespace is skipped");
        assertEquals("invalid JSON at line 1 column 9: duplicate key \"a\"", error("{\"a\":1, \"a\":2}"));
        assertTrue(error("nul").contains("unknown literal"));
        assertTrue(error("True").contains("expected a value"));
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertTrue(error(deep).contains("nesting deeper than"));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List);
    }

    @Test
    void parseObjectRequiresAnObject() {
        assertEquals(Map.of("a", 1L), Json.parseObject(" {\"a\": 1} "));
        PcnException e = assertThrows(PcnException.class, () -> Json.parseObject("[1]"));
        assertEquals("invalid JSON at line 1 column 1: expected an object ('{') but found '['", e.getMessage());
        assertThrows(PcnException.class, () -> Json.parseObject("  "));
        assertThrows(PcnException.class, () -> Json.parseObject("{} x"));
    }

    @Test
    void writesCompact() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001\u001f/é😀");
        m.put("i", 42);
        m.put("l", -7L);
        m.put("d", 1.0);
        m.put("f", 0.1f);
        m.put("b", true);
        m.put("n", null);
        m.put("list", List.of(1, "x", List.of()));
        m.put("empty", Map.of());
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u001f/é😀\",\"i\":42,\"l\":-7,\"d\":1.0,\"f\":0.1,"
                + "\"b\":true,\"n\":null,\"list\":[1,\"x\",[]],\"empty\":{}}", Json.write(m));
    }

    @Test
    void writesPretty() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of(true, Map.of("c", "d")));
        m.put("e", List.of());
        m.put("f", new LinkedHashMap<>());
        String expected = "{\n"
                + "  \"a\": 1,\n"
                + "  \"b\": [\n"
                + "    true,\n"
                + "    {\n"
                + "      \"c\": \"d\"\n"
                + "    }\n"
                + "  ],\n"
                + "  \"e\": [],\n"
                + "  \"f\": {}\n"
                + "}";
        assertEquals(expected, Json.writePretty(m));
        assertEquals(m.toString(), Json.parse(Json.writePretty(m)).toString());
        assertEquals("[]", Json.writePretty(new int[0]));
        assertEquals("\"x\"", Json.writePretty("x"));
    }

    @Test
    void writesArraysAndOtherValues() {
        assertEquals("[1.0,-0.0,1.4E-45,null,null,null]", Json.write(new float[] {1f, -0f, Float.MIN_VALUE,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        assertEquals("[0.1,1.0E-300,null]", Json.write(new double[] {0.1, 1e-300, Double.NaN}));
        assertEquals("[1,-2]", Json.write(new int[] {1, -2}));
        assertEquals("[9223372036854775807]", Json.write(new long[] {Long.MAX_VALUE}));
        assertEquals("[\"a\",null,[1]]", Json.write(new Object[] {"a", null, new int[] {1}}));
        assertEquals("[\"x\",\"MILLISECONDS\"]", Json.write(List.of('x', java.util.concurrent.TimeUnit.MILLISECONDS)));
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("123456789012345678901234567890", Json.write(new java.math.BigInteger("123456789012345678901234567890")));
        assertEquals("\"\\ud800x\"", Json.write("\ud800x"), "a lone surrogate is escaped");
        assertEquals("\"\\udc00\"", Json.write("\udc00"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> Json.write(cycle));
    }

    @Test
    void doublesAndFloatsRoundTrip() {
        SplittableRandom r = new SplittableRandom(7);
        double[] special = {0.0, -0.0, 1e-45, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MIN_NORMAL, 0.1, 1.0 / 3,
                1e23, 123456789.0, -1.0, 5e-324};
        for (double d : special) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) Json.parse(Json.write(d))),
                    () -> "round trip of " + d);
        }
        for (int i = 0; i < 2000; i++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            Object back = Json.parse(Json.write(d));
            assertEquals(d, ((Number) back).doubleValue(), 0.0);
        }
        for (int i = 0; i < 2000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            List<?> back = (List<?>) Json.parse(Json.write(new float[] {f}));
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(((Number) back.get(0)).floatValue()));
        }
    }

    @Test
    void nestedRoundTrip() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ünïcödé \u2028 key", List.of("tab\there", 3L, -0.5, false));
        inner.put("nil", null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("big", Long.MIN_VALUE);
        m.put("inner", inner);
        m.put("list", List.of(List.of(List.of()), Map.of("k", "\u0000\u007f")));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.writePretty(m)));
        assertEquals(Json.write(m), Json.write(Json.parse(Json.writePretty(m))));
    }

    @Test
    void typedGetters() {
        Map<String, Object> m = Json.parseObject("{\"s\":\"x\",\"i\":3,\"d\":2.5,\"b\":true,\"o\":{},\"a\":[1],"
                + "\"n\":null,\"big\":9999999999}");
        assertEquals("x", Json.getString(m, "s"));
        assertEquals(3L, Json.getLong(m, "i"));
        assertEquals(3, Json.getInt(m, "i"));
        assertEquals(2.5, Json.getDouble(m, "d"));
        assertEquals(3.0, Json.getDouble(m, "i"));
        assertTrue(Json.getBoolean(m, "b"));
        assertEquals(Map.of(), Json.getObject(m, "o"));
        assertEquals(Arrays.asList(1L), Json.getList(m, "a"));
        assertEquals("JSON key \"missing\" is missing, expected a string",
                assertThrows(PcnException.class, () -> Json.getString(m, "missing")).getMessage());
        assertEquals("JSON key \"n\" is null, expected a number",
                assertThrows(PcnException.class, () -> Json.getDouble(m, "n")).getMessage());
        assertEquals("JSON key \"d\" should be an integer but is a number",
                assertThrows(PcnException.class, () -> Json.getLong(m, "d")).getMessage());
        assertEquals("JSON key \"s\" should be an array but is a string",
                assertThrows(PcnException.class, () -> Json.getList(m, "s")).getMessage());
        assertTrue(assertThrows(PcnException.class, () -> Json.getInt(m, "big")).getMessage().contains("out of range"));
    }
}

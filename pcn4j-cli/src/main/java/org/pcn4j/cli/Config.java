package org.pcn4j.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.pcn4j.PcnException;
import org.pcn4j.util.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Config files: a flat mapping from option names to values, in YAML ({@code .yaml}, {@code .yml}) or
 * JSON ({@code .json}), e.g. {@code epochs: 10} or {@code {"batch_size": 64}}. Keys are the long
 * option names without {@code --}; {@code batch_size} and {@code batch-size} are the same key. The
 * values become picocli default values, so options given on the command line win. A list value is
 * joined with commas, so it suits multi-value options declared with {@code split = ","}.
 *
 * <p>Typical use, before executing a command:
 * <pre>{@code
 * Optional<Path> file = Config.findConfigOption(args);
 * if (file.isPresent()) Config.apply(trainCommandLine, file.get());
 * }</pre>
 */
public final class Config {
    private Config() {}

    /**
     * Keys a run's config.json records for the reader (where the data came from, which kernels and
     * JDK ran it) that set no option: a config file may hold them, and they are skipped.
     */
    public static final java.util.Set<String> RECORD_ONLY = java.util.Set.of("data-source", "kernels", "java");

    /** Reads {@code file} (by extension: YAML or JSON) into a map with normalized keys, in file order. */
    public static Map<String, Object> load(Path file) {
        Object top = read(file, "config file");
        if (top == null) {
            return new LinkedHashMap<>(); // an empty file (or one holding only comments)
        }
        if (!(top instanceof Map)) {
            throw new PcnException("config file " + file + ": the top level must be a mapping of option names to "
                    + "values, not " + kind(top));
        }
        return normalize((Map<?, ?>) top, file);
    }

    /**
     * Parses a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) file into maps and lists;
     * errors are one line starting with {@code what} and the file ("graph file g.yaml: ...").
     */
    public static Object read(Path file, String what) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json");
        if (!json && !name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new PcnException(what + " " + file + ": unknown extension (use .yaml, .yml or .json)");
        }
        String text;
        try {
            // Before opening: a FIFO would block for ever; a huge file is not a config.
            long size = Files.exists(file) ? org.pcn4j.util.InputChecks.regularFile(file, what) : 0;
            if (size > MAX_FILE_BYTES) {
                throw new PcnException(what + " " + file + " is " + size + " bytes, more than the limit of "
                        + MAX_FILE_BYTES + " for a YAML or JSON file");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PcnException(what + " not found: " + file, e);
        } catch (MalformedInputException e) {
            throw new PcnException(what + " " + file + " is not valid UTF-8", e);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PcnException("cannot read " + what + " " + file + ": " + m.replace('\n', ' '), e);
        }
        if (json) {
            try {
                return Json.parse(text);
            } catch (PcnException e) {
                throw new PcnException(what + " " + file + ": " + e.getMessage(), e);
            }
        }
        return parseYaml(file, text, what);
    }

    /** Config and graph files are small; anything above 8 MiB is refused before reading. */
    static final long MAX_FILE_BYTES = 8L << 20;

    private static Object parseYaml(Path file, String text, String what) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            return yaml.load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + " column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new PcnException(what + " " + file + ": invalid YAML" + where + ": "
                    + oneLine(problem == null ? e.getMessage() : problem), e);
        } catch (YAMLException e) {
            throw new PcnException(what + " " + file + ": invalid YAML: " + oneLine(e.getMessage()), e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : org.pcn4j.util.InputChecks.quote(s.replaceAll("\\s*\\n\\s*", " ").trim());
    }

    private static Map<String, Object> normalize(Map<?, ?> raw, Path file) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> original = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new PcnException("config file " + file + ": key " + org.pcn4j.util.InputChecks.quote(e.getKey())
                    + " is not a string"
                        + " (quote it)");
            }
            String key = (String) e.getKey();
            String norm = normalizeKey(key);
            String before = original.put(norm, key);
            if (before != null) {
                throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(norm) + "' is given twice (as '" + org.pcn4j.util.InputChecks.quote(before)
                        + "' and '" + org.pcn4j.util.InputChecks.quote(key) + "')");
            }
            out.put(norm, e.getValue());
        }
        return out;
    }

    /** The canonical form of a config key: underscores become dashes ({@code batch_size} to {@code batch-size}). */
    public static String normalizeKey(String key) {
        return key.trim().replace('_', '-');
    }

    /**
     * A default value provider that answers, for each option with a long name {@code --key}, the
     * config value of {@code key} as a string (lists joined with commas); null (no default from the
     * config) for other arguments and for null values.
     */
    public static CommandLine.IDefaultValueProvider defaults(Map<String, Object> config) {
        Map<String, Object> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : config.entrySet()) {
            normalized.put(normalizeKey(e.getKey()), e.getValue());
        }
        return arg -> {
            if (!arg.isOption()) {
                return null;
            }
            for (String name : ((OptionSpec) arg).names()) {
                if (name.startsWith("--")) {
                    String key = name.substring(2);
                    if (normalized.containsKey(key)) {
                        return toDefaultString(normalized.get(key));
                    }
                }
            }
            return null;
        };
    }

    private static String toDefaultString(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List) {
            StringJoiner j = new StringJoiner(",");
            for (Object o : (List<?>) value) {
                j.add(String.valueOf(o));
            }
            return j.toString();
        }
        return String.valueOf(value);
    }

    /**
     * Checks that every key of {@code config} names a long option of {@code spec} that a config file
     * may set, with a value of a fitting kind; throws a one-line {@link PcnException} naming the key
     * and {@code file} otherwise.
     */
    public static void checkKeys(CommandSpec spec, Map<String, Object> config, Path file) {
        for (Map.Entry<String, Object> e : config.entrySet()) {
            String key = normalizeKey(e.getKey());
            OptionSpec option = findLongOption(spec, key);
            if (option == null && RECORD_ONLY.contains(key)) {
                continue;
            }
            if (option == null) {
                String hint = closest(spec, key);
                throw new PcnException("config file " + file + ": unknown key '" + org.pcn4j.util.InputChecks.quote(key) + "' (no option --" + org.pcn4j.util.InputChecks.quote(key) + " in '"
                        + spec.qualifiedName() + "'" + (hint == null ? "" : "; did you mean '" + hint + "'?") + ")");
            }
            if (option.usageHelp() || option.versionHelp() || key.equals("config")) {
                throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(key) + "' cannot be set in a config file");
            }
            Object v = e.getValue();
            if (v == null) {
                throw new PcnException("config file " + file + ": key '" + key + "' has no value (null); give one, or"
                        + " leave the key out for the default");
            }
            if (v instanceof Map) {
                throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(key) + "' must have a single value or a list, "
                        + "not a mapping");
            }
            if (v instanceof List) {
                List<?> list = (List<?>) v;
                for (Object o : list) {
                    if (o instanceof Map || o instanceof List) {
                        throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(key) + "' must be a list of plain "
                                + "values");
                    }
                }
                boolean splits = option.isMultiValue() && !option.splitRegex().isEmpty();
                if (list.size() > 1 && !splits) {
                    throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(key) + "' takes a single value, not a list");
                }
            }
            checkType(option, key, v, file);
        }
    }

    /**
     * A value of the wrong kind for its option ({@code epochs: ten}, {@code lr: [1, 2]} for a single
     * number, {@code quiet: 3}) is refused here, naming the file and key; picocli would otherwise
     * report it later without saying it came from the config file. Range checks are the options'.
     */
    private static void checkType(OptionSpec option, String key, Object v, Path file) {
        if (v == null) {
            return;
        }
        Class<?> t = option.isMultiValue() && option.auxiliaryTypes().length > 0 ? option.auxiliaryTypes()[0]
                : option.type();
        List<?> values = v instanceof List ? (List<?>) v : List.of(v);
        for (Object o : values) {
            String kind = null;
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                boolean ok = o instanceof Integer || o instanceof Long
                        || (o instanceof String && ((String) o).trim().matches("[+-]?[0-9]{1,18}"));
                if (ok && (t == int.class || t == Integer.class)) {
                    long x = o instanceof String ? Long.parseLong(((String) o).trim()) : ((Number) o).longValue();
                    ok = x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE;
                }
                kind = ok ? null : "an integer" + (t == int.class || t == Integer.class ? " that fits 32 bits" : "");
            } else if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
                boolean ok = o instanceof Number;
                if (o instanceof String) {
                    try {
                        Double.parseDouble(((String) o).trim());
                        ok = true;
                    } catch (NumberFormatException e) {
                        ok = false;
                    }
                }
                kind = ok ? null : "a number";
            } else if (t == boolean.class || t == Boolean.class) {
                kind = o instanceof Boolean || "true".equals(o) || "false".equals(o) ? null : "true or false";
            }
            if (kind != null) {
                throw new PcnException("config file " + file + ": key '" + org.pcn4j.util.InputChecks.quote(key)
                        + "' must be " + kind + ", not " + kind(o) + " '" + org.pcn4j.util.InputChecks.quote(o) + "'");
            }
        }
    }

    /** Loads {@code file}, checks its keys against {@code cl}'s options, and installs it as their defaults. */
    public static Map<String, Object> apply(CommandLine cl, Path file) {
        Map<String, Object> config = load(file);
        checkKeys(cl.getCommandSpec(), config, file);
        cl.setDefaultValueProvider(defaults(config));
        return config;
    }

    /**
     * The value of {@code --config FILE} or {@code --config=FILE} in {@code args} (the last one if
     * repeated), found before picocli parses them; empty if absent. Stops at {@code --}.
     */
    public static Optional<Path> findConfigOption(String... args) {
        return findOption("--config", args);
    }

    /** The value of {@code NAME VALUE} or {@code NAME=VALUE} in {@code args} (the last one), as a path. */
    public static Optional<Path> findOption(String name, String... args) {
        Path found = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.equals(name) && i + 1 < args.length) {
                found = Path.of(args[++i]);
            } else if (a.startsWith(name + "=")) {
                found = Path.of(a.substring(name.length() + 1));
            }
        }
        return Optional.ofNullable(found);
    }

    private static OptionSpec findLongOption(CommandSpec spec, String key) {
        for (OptionSpec o : spec.options()) {
            for (String n : o.names()) {
                if (n.equals("--" + key)) {
                    return o;
                }
            }
        }
        return null;
    }

    private static String closest(CommandSpec spec, String key) {
        String best = null;
        int bestDistance = key.length() < 4 ? 2 : 3; // suggest only names within 1 (short keys) or 2 edits
        for (OptionSpec o : spec.options()) {
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    int d = distance(key, n.substring(2));
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = n.substring(2);
                    }
                }
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String kind(Object v) {
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "a " + v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}

package org.pcn4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.pcn4j.PcnException;

/**
 * Reads labelled CSV data: comma-separated numeric feature columns, then an integer class label
 * (0, 1, ...) in the last column. A first row with any non-numeric cell is a header. Blank lines
 * are skipped; cells may be quoted ("1.5"); gzip'd files are recognized by their magic bytes.
 * Values are kept as written. Errors name the file, the line and the column.
 */
public final class Csv {
    private Csv() {}

    /** The parsed rows: {@code rows} x {@code features} values, row-major, and one label per row. */
    public static final class Table {
        private final String[] header;
        private final int features;
        private final float[] values;
        private final int[] labels;

        Table(String[] header, int features, float[] values, int[] labels) {
            this.header = header;
            this.features = features;
            this.values = values;
            this.labels = labels;
        }

        /** Column names, or null if the file has no header row. */
        public String[] header() {
            return header == null ? null : header.clone();
        }

        public int rows() {
            return labels.length;
        }

        public int features() {
            return features;
        }

        /** The values (not a copy). */
        public float[] values() {
            return values;
        }

        /** The labels (not a copy). */
        public int[] labels() {
            return labels;
        }

        /** One more than the largest label. */
        public int classes() {
            int max = -1;
            for (int y : labels) {
                max = Math.max(max, y);
            }
            return max + 1;
        }
    }

    public static Table read(Path file) {
        try (InputStream in = Idx.open(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw Idx.ioError(file, e);
        }
    }

    /** Reads from a stream (gzip'd or not); {@code name} names the source in messages. */
    public static Table read(InputStream raw, String name) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(Idx.maybeGunzip(raw), StandardCharsets.UTF_8),
                1 << 16);
        String[] header = null;
        int cols = -1;
        int firstDataLine = 0;
        float[] values = new float[1 << 12];
        int[] labels = new int[1 << 8];
        int nv = 0;
        int rows = 0;
        int lineNo = 0;
        String[] cells = new String[0];
        for (String line; (line = r.readLine()) != null;) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            int n = countCells(line);
            if (cols < 0) {
                cols = n;
                if (cols < 2) {
                    throw new PcnException(name + ":" + lineNo + ": one column; need at least one feature column"
                            + " and a label column");
                }
                cells = new String[cols];
                split(line, cells);
                boolean numeric = true;
                for (String c : cells) {
                    numeric &= isNumber(c);
                }
                if (!numeric) {
                    header = cells.clone();
                    continue;
                }
            } else if (n != cols) {
                throw new PcnException(name + ":" + lineNo + ": " + n + " columns, expected " + cols + " (as on line "
                        + (firstDataLine > 0 ? firstDataLine : 1) + ")");
            } else {
                split(line, cells);
            }
            if (firstDataLine == 0) {
                firstDataLine = lineNo;
            }
            int f = cols - 1;
            if (nv + f > values.length) {
                values = Arrays.copyOf(values, grow(values.length, nv + f));
            }
            for (int j = 0; j < f; j++) {
                String c = cells[j];
                if (!isNumber(c)) {
                    throw new PcnException(name + ":" + lineNo + ": column " + (j + 1) + ": not a number: '"
                            + abbreviate(c) + "'");
                }
                float v = Float.parseFloat(c);
                if (Float.isInfinite(v)) {
                    throw new PcnException(name + ":" + lineNo + ": column " + (j + 1) + ": " + abbreviate(c)
                            + " is out of the float range");
                }
                values[nv + j] = v;
            }
            nv += f;
            if (rows == labels.length) {
                labels = Arrays.copyOf(labels, grow(labels.length, rows + 1));
            }
            labels[rows++] = label(cells[f], name, lineNo, cols);
        }
        if (rows == 0) {
            throw new PcnException(name + ": no data rows");
        }
        checkClasses(name, labels, rows);
        return new Table(header, cols - 1, Arrays.copyOf(values, nv), Arrays.copyOf(labels, rows));
    }

    /** Most classes a CSV table may have: the label is a class index, and the network gets one output per class. */
    public static final int MAX_CLASSES = 65_536;

    /**
     * Labels are class indices 0..K-1, and K sizes the network's output layer: a stray 100000 in a
     * 30-row file would build a 100,001-class network. So K is capped, and the classes that occur
     * must cover a fair part of 0..K-1 (at least half, or all but 32).
     */
    private static void checkClasses(String name, int[] labels, int rows) {
        int max = 0;
        int maxRow = 0;
        for (int i = 0; i < rows; i++) {
            if (labels[i] > max) {
                max = labels[i];
                maxRow = i;
            }
        }
        long classes = max + 1L;
        if (classes > MAX_CLASSES) {
            throw new PcnException(name + ": label " + max + " (data row " + (maxRow + 1) + ") would make "
                    + classes + " classes, more than the limit of " + MAX_CLASSES
                    + "; labels must be class indices 0, 1, ...");
        }
        boolean[] seen = new boolean[(int) classes];
        int distinct = 0;
        for (int i = 0; i < rows; i++) {
            if (!seen[labels[i]]) {
                seen[labels[i]] = true;
                distinct++;
            }
        }
        if (classes > Math.max(2L * distinct, distinct + 32L)) {
            throw new PcnException(name + ": label " + max + " (data row " + (maxRow + 1) + ") would make " + classes
                    + " classes but only " + distinct + " distinct labels occur in " + rows
                    + " rows; labels must be dense class indices 0, 1, ... (renumber them)");
        }
    }

    private static int grow(int cur, int min) {
        long n = Math.max((long) min, cur + (cur >> 1) + 16L);
        if (n > Integer.MAX_VALUE - 8) {
            if (min > Integer.MAX_VALUE - 8) {
                throw new PcnException("CSV data too large for one array (" + min + " values)");
            }
            n = Integer.MAX_VALUE - 8;
        }
        return (int) n;
    }

    private static int label(String c, String name, int lineNo, int col) {
        if (isNumber(c)) {
            double v = Double.parseDouble(c);
            if (v >= 0 && v == Math.rint(v) && v < 1 << 24) {
                return (int) v;
            }
        }
        throw new PcnException(name + ":" + lineNo + ": column " + col + ": the class label must be an integer"
                + " 0 or more, got '" + abbreviate(c) + "'");
    }

    private static int countCells(String line) {
        int n = 1;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                n++;
            }
        }
        return n;
    }

    /** Splits into exactly cells.length trimmed, unquoted cells (the count was checked). */
    private static void split(String line, String[] cells) {
        int k = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= line.length(); i++) {
            char ch = i < line.length() ? line.charAt(i) : ',';
            if (ch == '"' && i < line.length()) {
                quoted = !quoted;
            } else if (ch == ',' && (!quoted || i == line.length())) {
                cells[k++] = unquote(line.substring(start, i).trim());
                start = i + 1;
            }
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"").trim();
        }
        return s;
    }

    /** A plain decimal number: optional sign, digits with an optional point, optional exponent. */
    static boolean isNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

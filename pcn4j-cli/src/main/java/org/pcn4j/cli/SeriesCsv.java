package org.pcn4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pcn4j.PcnException;
import org.pcn4j.util.AtomicFiles;

/**
 * Numeric CSV tables with a header line (the filter's OBS.csv, X.csv and EST.csv, the control
 * trajectory). Reading checks the header against the expected column names and that every cell is a
 * finite number; errors name the file, the line and the column.
 */
final class SeriesCsv {
    record Table(String[] header, double[][] rows) {}

    private SeriesCsv() {}

    static Table read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PcnException("no such file: " + file, e);
        } catch (IOException e) {
            throw new PcnException("cannot read " + file + ": " + e.getMessage(), e);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new PcnException(file + ": empty file (expected a header line)");
        }
        String[] header = split(lines.get(0));
        double[][] rows = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = split(lines.get(i));
            if (cells.length != header.length) {
                throw new PcnException(file + " line " + (i + 1) + ": " + cells.length + " cells but the header has "
                        + header.length);
            }
            double[] r = new double[cells.length];
            for (int j = 0; j < cells.length; j++) {
                try {
                    r[j] = Double.parseDouble(cells[j]);
                } catch (NumberFormatException e) {
                    r[j] = Double.NaN;
                }
                if (!Double.isFinite(r[j])) {
                    throw new PcnException(file + " line " + (i + 1) + ", column " + header[j] + ": '" + cells[j]
                            + "' is not a finite number");
                }
            }
            rows[i - 1] = r;
        }
        return new Table(header, rows);
    }

    private static String[] split(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].trim();
        }
        return cells;
    }

    /** Checks that the header is exactly {@code expected}. */
    static void expectHeader(Path file, Table t, List<String> expected, String why) {
        if (!List.of(t.header()).equals(expected)) {
            throw new PcnException(file + ": header is " + String.join(",", t.header()) + " but expected "
                    + String.join(",", expected) + " (" + why + ")");
        }
    }

    static List<String> names(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    /** Columns [from, from + n) of every row. */
    static double[][] columns(double[][] rows, int from, int n) {
        double[][] out = new double[rows.length][n];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], from, out[k], 0, n);
        }
        return out;
    }

    static void write(Path file, List<String> header, double[][]... blocks) {
        try {
            AtomicFiles.write(file, os -> {
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
                w.write(String.join(",", header));
                w.write('\n');
                int rows = blocks[0].length;
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < rows; k++) {
                    sb.setLength(0);
                    boolean first = true;
                    for (double[][] b : blocks) {
                        for (double v : b[k]) {
                            sb.append(first ? "" : ",").append(v);
                            first = false;
                        }
                    }
                    w.write(sb.append('\n').toString());
                }
                w.flush();
            });
        } catch (IOException e) {
            throw new PcnException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

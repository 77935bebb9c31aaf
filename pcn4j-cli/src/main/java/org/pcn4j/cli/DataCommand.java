package org.pcn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSource;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.Downloader;
import org.pcn4j.data.InputAffine;
import org.pcn4j.data.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pcn4j data info|download|export}: look at datasets, fetch them, write a split as IDX files. */
@Command(name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect and download datasets (mnist, fashion-mnist, the built-in digits, cifar10,"
                + " imagefolder:DIR, csv:PATH).",
        subcommands = {DataCommand.Info.class, DataCommand.Download.class, DataCommand.Export.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "info",
            mixinStandardHelpOptions = true,
            description = "Print split sizes, sample shape, classes, value ranges and label histograms.")
    static final class Info implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "NAME",
                description = "mnist, fashion-mnist, digits, cifar10, imagefolder:DIR or csv:PATH.")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Folder with the four IDX files (.gz or not) of mnist or fashion-mnist, or with"
                        + " cifar-10-binary.tar.gz or its .bin files. "
                        + "Default: the cache ($PCN4J_HOME/NAME or ~/.cache/pcn4j/NAME); for fashion-mnist also "
                        + "/usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).")
        Path dataDir;

        @Option(names = "--normalize", paramLabel = "MODE",
                description = "scale01, symmetric, standardize, standardize_channels or none. Default: scale01 for"
                        + " images, none for CSV.")
        String normalize;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public void run() {
            Normalization n = normalize == null ? null : Normalization.parse(normalize);
            DatasetSplits s = Datasets.load(dataset, dataDir, n, ProgressBar.onTerminal(null));
            PrintWriter out = spec.commandLine().getOut();
            List<String> names = new ArrayList<>();
            List<Dataset> splits = new ArrayList<>();
            for (String name : new String[] {"train", "validation", "test"}) {
                Dataset d = name.equals("train") ? s.train() : name.equals("test") ? s.test() : s.validation();
                if (d != null) {
                    names.add(name);
                    splits.add(d);
                }
            }
            List<float[]> ranges = new ArrayList<>();
            for (Dataset d : splits) {
                ranges.add(observedRange(d));
            }
            if (json) {
                printJson(out, s, names, splits, ranges);
            } else {
                printText(out, s, names, splits, ranges);
            }
            out.flush();
        }
    }

    static float[] observedRange(Dataset d) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        float[] row = new float[d.features()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, row, 0);
            for (float v : row) {
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
        }
        return d.size() == 0 ? new float[] {0, 0} : new float[] {min, max};
    }

    private static String shape(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int v : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(v);
        }
        return sb.toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Float.toString((float) v);
    }

    private static String affineText(InputAffine a) {
        if (a.isUniform()) {
            float[] p = a.scalar();
            return "x * " + num(p[0]) + (p[1] < 0 ? " - " + num(-p[1]) : " + " + num(p[1]));
        }
        return "per feature (statistics of the training split)";
    }

    /** Per-channel mean and std in raw units, read back from the affine (x = (raw - mean) / std). */
    private static String channelText(DatasetSplits s) {
        InputAffine a = s.inputAffine();
        int[] img = s.imageShape();
        int channels = img == null ? 1 : img[0];
        int plane = s.features() / channels;
        StringBuilder m = new StringBuilder();
        StringBuilder d = new StringBuilder();
        for (int c = 0; c < channels; c++) {
            float scale = a.scale(c * plane);
            m.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", -a.offset(c * plane) / scale));
            d.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", 1 / scale));
        }
        return "per channel, mean [" + m + "], std [" + d + "] (raw units, training split)";
    }

    private static List<Integer> firstLabels(Dataset d, int n) {
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < Math.min(n, d.size()); i++) {
            y.add(d.label(i));
        }
        return y;
    }

    private static String joined(List<Integer> v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : " ").append(x);
        }
        return sb.toString();
    }

    private static boolean defaultNames(DatasetSplits s) {
        for (int c = 0; c < s.classes(); c++) {
            if (!s.classNames().get(c).equals(Integer.toString(c))) {
                return false;
            }
        }
        return true;
    }

    private static void printText(PrintWriter out, DatasetSplits s, List<String> names, List<Dataset> splits,
            List<float[]> ranges) {
        Dataset train = s.train();
        out.println("dataset        " + s.name());
        out.println("source         " + s.source());
        out.println("sample shape   " + shape(s.shape()) + " (" + s.features() + " features, stored as "
                + (train.isUint8() ? "uint8" : "float32") + ")");
        out.println("classes        " + s.classes());
        out.println("raw values     " + num(train.rawMin()) + ".." + num(train.rawMax())
                + (train.fixedRange() ? " (format range)" : " (observed in the training split)"));
        out.println("normalization  " + s.normalization().id() + ": " + (s.normalization()
                == Normalization.STANDARDIZE_CHANNELS ? channelText(s) : affineText(s.inputAffine())));
        out.println();
        out.println(String.format(Locale.ROOT, "%-10s %8s %10s %10s  %s", "split", "samples", "min", "max",
                "first labels"));
        for (int k = 0; k < splits.size(); k++) {
            Dataset d = splits.get(k);
            out.println(String.format(Locale.ROOT, "%-10s %8d %10s %10s  %s", names.get(k), d.size(),
                    num(ranges.get(k)[0]), num(ranges.get(k)[1]), joined(firstLabels(d, 10))));
        }
        if (!s.hasTest()) {
            out.println("(no test split)");
        }
        out.println();
        boolean showNames = !defaultNames(s);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-6s", "label"));
        for (String n : names) {
            head.append(String.format(Locale.ROOT, " %8s", n));
        }
        out.println(head + (showNames ? "  name" : ""));
        List<int[]> counts = new ArrayList<>();
        for (Dataset d : splits) {
            counts.add(d.labelCounts());
        }
        // Many classes (a CSV may have thousands): the rows with samples, at most MAX_HISTOGRAM_ROWS.
        boolean many = s.classes() > MAX_HISTOGRAM_ROWS;
        int shown = 0;
        int hidden = 0;
        for (int c = 0; c < s.classes(); c++) {
            boolean any = false;
            for (int[] cnt : counts) {
                any |= cnt[c] > 0;
            }
            if (many && (!any || shown >= MAX_HISTOGRAM_ROWS)) {
                hidden += any ? 1 : 0;
                continue;
            }
            shown++;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-6d", c));
            for (int[] cnt : counts) {
                row.append(String.format(Locale.ROOT, " %8d", cnt[c]));
            }
            out.println(row + (showNames ? "  " + s.classNames().get(c) : ""));
        }
        if (many) {
            out.println("(" + s.classes() + " classes: empty ones not shown" + (hidden > 0 ? ", nor " + hidden
                    + " more with samples" : "") + "; --json lists all)");
        }
    }

    static final int MAX_HISTOGRAM_ROWS = 100;

    private static void printJson(PrintWriter out, DatasetSplits s, List<String> names, List<Dataset> splits,
            List<float[]> ranges) {
        Dataset train = s.train();
        StringBuilder j = new StringBuilder("{");
        j.append("\"dataset\":").append(Json.str(s.name()));
        j.append(",\"source\":").append(Json.str(s.source()));
        j.append(",\"shape\":").append(Json.ints(s.shape()));
        j.append(",\"features\":").append(s.features());
        j.append(",\"classes\":").append(s.classes());
        j.append(",\"class_names\":").append(Json.strs(s.classNames()));
        j.append(",\"storage\":").append(Json.str(train.isUint8() ? "uint8" : "float32"));
        j.append(",\"raw_range\":[").append(num(train.rawMin())).append(',').append(num(train.rawMax())).append(']');
        j.append(",\"normalization\":").append(Json.str(s.normalization().id()));
        InputAffine a = s.inputAffine();
        j.append(",\"input_affine\":");
        if (a.isUniform()) {
            j.append("{\"scale\":").append(num(a.scale(0))).append(",\"offset\":").append(num(a.offset(0))).append('}');
        } else {
            j.append("\"per_feature\"");
        }
        j.append(",\"splits\":{");
        for (int k = 0; k < splits.size(); k++) {
            Dataset d = splits.get(k);
            j.append(k == 0 ? "" : ",").append(Json.str(names.get(k))).append(":{");
            j.append("\"size\":").append(d.size());
            j.append(",\"min\":").append(num(ranges.get(k)[0]));
            j.append(",\"max\":").append(num(ranges.get(k)[1]));
            j.append(",\"label_counts\":").append(Json.ints(d.labelCounts()));
            List<Integer> first = firstLabels(d, 10);
            int[] f = new int[first.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = first.get(i);
            }
            j.append(",\"first_labels\":").append(Json.ints(f)).append('}');
        }
        j.append("}}");
        out.println(j);
    }

    /** Just enough JSON writing for this command. */
    static final class Json {
        private Json() {}

        static String str(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }

        static String ints(int[] v) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ",").append(v[i]);
            }
            return sb.append(']').toString();
        }

        static String strs(List<String> v) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(str(v.get(i)));
            }
            return sb.append(']').toString();
        }
    }

    @Command(name = "export",
            mixinStandardHelpOptions = true,
            description = {"Write a split's raw images and labels as IDX files (OUT-images.idx, OUT-labels.idx), e.g.",
                    "the embedded digits' test split, to feed classify and complete or to score their outputs."})
    static final class Export implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "mnist, fashion-mnist or digits.")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder with the IDX files (as for train).")
        Path dataDir;

        @Option(names = "--split", defaultValue = "test", description = "train or test (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Path prefix of the two files.")
        String out;

        @Override
        public void run() {
            DatasetSplits s = Datasets.load(dataset, dataDir, Normalization.NONE);
            Dataset d = split.equals("train") ? s.train() : split.equals("test") ? s.test() : null;
            if (d == null) {
                throw new org.pcn4j.PcnException("--split must be train or test, not '" + split + "'");
            }
            int[] shape = d.shape();
            int rows = shape.length == 2 ? shape[0] : 1;
            int f = d.features();
            byte[] px = new byte[d.size() * f];
            int[] labels = new int[d.size()];
            float[] row = new float[f];
            for (int i = 0; i < d.size(); i++) {
                d.features(i, row, 0);
                for (int j = 0; j < f; j++) {
                    float v = row[j];
                    if (!(v >= 0 && v <= 255 && v == Math.rint(v))) {
                        throw new org.pcn4j.PcnException(dataset + ": value " + v + " does not fit an IDX byte");
                    }
                    px[i * f + j] = (byte) (int) v;
                }
                labels[i] = d.label(i);
            }
            org.pcn4j.data.Idx.writeImages(Path.of(out + "-images.idx"), d.size(), rows, f / rows, px);
            org.pcn4j.data.Idx.writeLabels(Path.of(out + "-labels.idx"), labels);
            spec.commandLine().getOut().println("wrote " + d.size() + " images and labels to " + out + "-images.idx and "
                    + out + "-labels.idx");
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "download",
            mixinStandardHelpOptions = true,
            description = "Download mnist, fashion-mnist or cifar10 from the canonical mirrors into the cache (or --dir), "
                    + "checking SHA-256 sums. Files already there with the right content are kept.")
    static final class Download implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "NAME",
                description = "mnist, fashion-mnist or cifar10.")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Target folder. Default: $PCN4J_HOME/NAME, or ~/.cache/pcn4j/NAME.")
        Path dir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "Base URL to fetch the four .gz files from instead of the canonical mirror.")
        String mirror;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "Connect timeout, and longest wait for data (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public void run() {
            DatasetSource src = DatasetSource.forName(dataset);
            if (mirror != null) {
                src = src.withBaseUrl(mirror);
            }
            if (timeoutSeconds < 1) {
                throw new org.pcn4j.PcnException("--timeout must be at least 1 second, got " + timeoutSeconds);
            }
            Path target = dir != null ? dir : Datasets.cacheDir(src.name());
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            out.println("downloading " + src.name() + " from " + src.baseUrl() + " to " + target);
            out.flush();
            new Downloader(Duration.ofSeconds(timeoutSeconds)).download(src, target, ProgressBar.bytes(err),
                    (name, outcome, bytes) -> {
                        out.println(name + ": " + (outcome == Downloader.Outcome.DOWNLOADED ? "downloaded" : "already "
                                + "present") + ", " + ProgressBar.bytes(bytes) + ", SHA-256 verified");
                        out.flush();
                    });
            out.println(src.name() + " is ready in " + target
                    + (dir != null ? " (use --data-dir " + target + ")" : ""));
            out.flush();
        }
    }
}

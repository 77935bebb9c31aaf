package org.pcn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * Loads datasets by name.
 *
 * <ul>
 *   <li>{@code mnist}, {@code fashion-mnist}: the four IDX files {@link #IDX_FILES}, each gzip'd
 *       ({@code .gz}) or not, from {@code dataDir} (or its subfolder named after the dataset);
 *       without {@code dataDir}, from the cache {@link #cacheDir(String)} and, for Fashion-MNIST,
 *       from {@link #DEBIAN_FASHION_MNIST} (Debian's dataset-fashion-mnist package). 60,000 train
 *       and 10,000 test images of 28x28 bytes, 10 classes.</li>
 *   <li>{@code digits}: 1,797 8x8 digits (values 0..16) embedded in the jar; no official test
 *       split, so a fixed, seeded, stratified 20 % of each class is the test split (359 rows) and
 *       the rest the training split ({@link #DIGITS_TRAIN} rows).</li>
 *   <li>{@code cifar10}: the binary CIFAR-10 ({@link Cifar10}), from {@code dataDir} (or its
 *       subfolder cifar10) or the cache; 50,000 train and 10,000 test [3, 32, 32] images.</li>
 *   <li>{@code imagefolder:DIR}: torchvision's ImageFolder layout ({@link ImageFolder}), decoded
 *       once and cached under {@code cacheRoot()/imagefolder}.</li>
 *   <li>{@code csv:PATH}: a CSV file (see {@link Csv}); a training split only.</li>
 * </ul>
 *
 * Default normalization: {@link Normalization#SCALE01} for images, {@link Normalization#NONE} for CSV.
 */
public final class Datasets {
    /** The names {@link #load} accepts, as shown to users. */
    public static final List<String> NAMES = List.of("mnist", "fashion-mnist", "digits", "csv:PATH", "cifar10",
            "imagefolder:DIR");

    /** Standard IDX file names, in the order train images, train labels, test images, test labels. */
    public static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** Where Debian's dataset-fashion-mnist package installs the four .gz files. */
    public static final Path DEBIAN_FASHION_MNIST = Paths.get("/usr/share/datasets/fashion-mnist");

    /** Rows of the embedded digits in its training split; the other 359 form its test split. */
    public static final int DIGITS_TRAIN = 1438;

    private static final long DIGITS_SPLIT_SEED = 20261128L;

    static final String DIGITS_RESOURCE = "digits.csv.gz";

    /** Fashion-MNIST's class names, by label. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private Datasets() {}

    /** {@link #load(String, Path, Normalization)} with the dataset's default normalization. */
    public static DatasetSplits load(String name, Path dataDir) {
        return load(name, dataDir, null);
    }

    /**
     * Loads a dataset.
     *
     * @param name mnist, fashion-mnist, digits, cifar10, imagefolder:DIR or csv:PATH
     * @param dataDir a folder with the IDX files (mnist, fashion-mnist), or null to search the
     *     cache; ignored by digits and csv
     * @param normalization null for the dataset's default
     */
    public static DatasetSplits load(String name, Path dataDir, Normalization normalization) {
        return load(name, dataDir, normalization, org.pcn4j.ProgressListener.none());
    }

    /** As {@link #load(String, Path, Normalization)}, telling {@code decoding} about each IDX file's bytes decoded. */
    public static DatasetSplits load(String name, Path dataDir, Normalization normalization,
            org.pcn4j.ProgressListener decoding) {
        return org.pcn4j.util.InputChecks.loading("the dataset " + name,
                () -> loadNow(name, dataDir, normalization, decoding));
    }

    private static DatasetSplits loadNow(String name, Path dataDir, Normalization normalization,
            org.pcn4j.ProgressListener decoding) {
        String n = name == null ? "" : name.trim();
        if (n.regionMatches(true, 0, "imagefolder:", 0, 12)) {
            String p = n.substring(12).trim();
            if (p.isEmpty()) {
                throw new PcnException("imagefolder: needs a folder, as in imagefolder:data/cifar10-jpeg");
            }
            return ImageFolder.load(Paths.get(p), normalization, cacheRoot().resolve("imagefolder"));
        }
        if (n.regionMatches(true, 0, "csv:", 0, 4)) {
            String p = n.substring(4).trim();
            if (p.isEmpty()) {
                throw new PcnException("csv: needs a file, as in csv:data/iris.csv");
            }
            return csv(Paths.get(p), normalization);
        }
        switch (n.toLowerCase(Locale.ROOT)) {
            case "mnist":
            case "fashion-mnist":
                String id = n.toLowerCase(Locale.ROOT);
                return idx(id, findIdxDir(id, dataDir), normalization, decoding);
            case "digits":
                return digits(normalization);
            case "cifar10":
                return Cifar10.load(findCifar10Dir(dataDir), normalization);
            default:
                throw new PcnException("unknown dataset '" + name + "' (valid: " + String.join(", ", NAMES) + ")");
        }
    }

    /** The embedded 8x8 digits. */
    public static DatasetSplits digits(Normalization normalization) {
        Csv.Table t;
        try (InputStream in = Datasets.class.getResourceAsStream(DIGITS_RESOURCE)) {
            if (in == null) {
                throw new PcnException("digits: the embedded " + DIGITS_RESOURCE + " is missing from the pcn4j jar");
            }
            t = Csv.read(in, "digits:" + DIGITS_RESOURCE);
        } catch (IOException e) {
            throw new PcnException("digits: cannot read the embedded " + DIGITS_RESOURCE + ": " + e.getMessage(), e);
        }
        if (t.features() != 64 || t.rows() <= DIGITS_TRAIN || t.classes() != 10) {
            throw new PcnException("digits: the embedded data has " + t.rows() + " rows of " + t.features()
                    + " features and " + t.classes() + " classes, expected 1797, 64 and 10");
        }
        int[] shape = {8, 8};
        int[][] split = digitsSplit(t.labels(), 10);
        Dataset all = Dataset.ofFloats("digits", shape, t.values(), t.labels(), 10, 0f, 16f, true);
        Dataset train = all.subset("digits/train", split[0]);
        Dataset test = all.subset("digits/test", split[1]);
        return new DatasetSplits("digits", "embedded " + DIGITS_RESOURCE, train, test, null,
                normalization == null ? Normalization.SCALE01 : normalization);
    }

    /**
     * The digits' fixed test split: a stratified 20 % of each class, drawn with a fixed seed, so
     * every run and every user gets the same 1,438 / 359 rows. (The file is ordered in blocks of
     * writers, so its last rows would be a writer-disjoint and harder test set.)
     */
    static int[][] digitsSplit(int[] labels, int classes) {
        java.util.List<Integer> train = new java.util.ArrayList<>();
        java.util.List<Integer> test = new java.util.ArrayList<>();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(DIGITS_SPLIT_SEED);
        for (int c = 0; c < classes; c++) {
            java.util.List<Integer> idx = new java.util.ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    idx.add(i);
                }
            }
            for (int i = idx.size() - 1; i > 0; i--) {
                java.util.Collections.swap(idx, i, rng.nextInt(i + 1));
            }
            int nTest = (int) Math.round(idx.size() * 0.2);
            test.addAll(idx.subList(0, nTest));
            train.addAll(idx.subList(nTest, idx.size()));
        }
        java.util.Collections.sort(train);
        java.util.Collections.sort(test);
        return new int[][] {train.stream().mapToInt(Integer::intValue).toArray(),
                test.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** A CSV file as a training split (no test split). */
    public static DatasetSplits csv(Path file, Normalization normalization) {
        Csv.Table t = Csv.read(file);
        String name = "csv:" + file;
        Dataset train = Dataset.ofFloats(name, new int[] {t.features()}, t.values(), t.labels(), t.classes());
        return new DatasetSplits(name, file.toString(), train, null, null,
                normalization == null ? Normalization.NONE : normalization);
    }

    /**
     * The MNIST-format dataset in {@code dir}: the four {@link #IDX_FILES}, each .gz or not.
     *
     * @param name mnist or fashion-mnist (names Fashion-MNIST's classes), or any name for messages
     */
    public static DatasetSplits idx(String name, Path dir, Normalization normalization) {
        return idx(name, dir, normalization, org.pcn4j.ProgressListener.none());
    }

    /** As {@link #idx(String, Path, Normalization)}, telling {@code decoding} about the image bytes decoded. */
    public static DatasetSplits idx(String name, Path dir, Normalization normalization,
            org.pcn4j.ProgressListener decoding) {
        Path[] files = new Path[4];
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            files[k] = findIdxFile(dir, IDX_FILES.get(k));
            if (files[k] == null) {
                missing.add(IDX_FILES.get(k) + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new PcnException(name + ": " + dir + " lacks " + String.join(", ", missing));
        }
        Dataset train = idxSplit(name + "/train", files[0], files[1], decoding);
        if (train.size() == 0) {
            throw new PcnException(files[0] + ": holds no images: the training split would be empty");
        }
        Dataset test = idxSplit(name + "/test", files[2], files[3], decoding);
        if (!Arrays.equals(train.shape(), test.shape())) {
            throw new PcnException(name + ": train images are " + dims(train.shape()) + " but test images are "
                    + dims(test.shape()));
        }
        return new DatasetSplits(name, dir.toString(), train, test,
                name.equals("fashion-mnist") ? FASHION_CLASSES : null,
                normalization == null ? Normalization.SCALE01 : normalization);
    }

    private static Dataset idxSplit(String name, Path imageFile, Path labelFile, org.pcn4j.ProgressListener decoding) {
        Idx.Images images = Idx.readImages(imageFile, decoding);
        int[] labels = Idx.readLabels(labelFile);
        if (images.count() != labels.length) {
            throw new PcnException(name + ": " + imageFile + " holds " + images.count() + " images but " + labelFile
                    + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new PcnException(labelFile + ": label " + labels[i] + " at index " + i + " is outside 0..9");
            }
        }
        return Dataset.ofBytes(name, new int[] {images.rows(), images.cols()}, images.pixels(), labels, 10, 255);
    }

    private static String dims(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int s : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(s);
        }
        return sb.toString();
    }

    /** {@code dir/base.gz} if it exists, else {@code dir/base} if it exists, else null. */
    static Path findIdxFile(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        return Files.isRegularFile(raw) ? raw : null;
    }

    private static int idxFilesIn(Path dir) {
        int n = 0;
        for (String f : IDX_FILES) {
            n += findIdxFile(dir, f) != null ? 1 : 0;
        }
        return n;
    }

    /** The folder holding CIFAR-10 (the archive or the .bin files): dataDir, dataDir/cifar10, or the cache. */
    static Path findCifar10Dir(Path dataDir) {
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir)) {
                throw new PcnException("cifar10: data folder " + dataDir
                        + (Files.exists(dataDir) ? " is not a folder" : " does not exist"));
            }
            if (!Cifar10.present(dataDir) && Cifar10.present(dataDir.resolve("cifar10"))) {
                return dataDir.resolve("cifar10");
            }
            return dataDir; // Cifar10.load names what is missing
        }
        Path cache = cacheDir("cifar10");
        if (Cifar10.present(cache)) {
            return cache;
        }
        throw new PcnException("cifar10 not found in " + cache + ": run 'pcn4j data download --dataset cifar10', or"
                + " pass --data-dir DIR (a folder with " + Cifar10.ARCHIVE + " or the six .bin files)");
    }

    /** The folder to read {@code name}'s IDX files from (see the class comment). */
    static Path findIdxDir(String name, Path dataDir) {
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir)) {
                throw new PcnException(name + ": data folder " + dataDir
                        + (Files.exists(dataDir) ? " is not a folder" : " does not exist"));
            }
            if (idxFilesIn(dataDir) == 0 && idxFilesIn(dataDir.resolve(name)) > 0) {
                return dataDir.resolve(name);
            }
            return dataDir;
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(cacheDir(name));
        if (name.equals("fashion-mnist")) {
            candidates.add(DEBIAN_FASHION_MNIST);
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c) && idxFilesIn(c) == 4) {
                return c;
            }
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c) && idxFilesIn(c) > 0) {
                return c; // incomplete: idx() names the missing files
            }
        }
        throw new PcnException(name + " not found in " + cacheDir(name)
                + (name.equals("fashion-mnist") ? " or " + DEBIAN_FASHION_MNIST : "")
                + ": run 'pcn4j data download --dataset " + name + "', or pass --data-dir DIR"
                + " (a folder with the four IDX files)");
    }

    /**
     * The cache root: the system property {@code pcn4j.home}, else the environment variable
     * {@code PCN4J_HOME}, else {@code ~/.cache/pcn4j}.
     */
    public static Path cacheRoot() {
        String p = System.getProperty("pcn4j.home");
        if (p == null || p.isBlank()) {
            p = System.getenv("PCN4J_HOME");
        }
        if (p != null && !p.isBlank()) {
            return Paths.get(p);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "pcn4j");
    }

    /** Where a dataset's files are cached: {@code cacheRoot()/name}. */
    public static Path cacheDir(String name) {
        return cacheRoot().resolve(name);
    }
}

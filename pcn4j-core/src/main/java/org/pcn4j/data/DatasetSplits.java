package org.pcn4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;

/**
 * A loaded dataset: its training split, an optional validation split carved from the training
 * data, an optional test split, and the {@link InputAffine} that maps raw values to model inputs.
 * The affine's statistics (standardization, CSV min-max) come from {@link #train()} only.
 * Immutable; the {@code with...} methods return new instances sharing sample storage.
 */
public final class DatasetSplits {
    private final String name;
    private final String source;
    private final Dataset train;
    private final Dataset validation;
    private final Dataset test;
    private final List<String> classNames;
    private final Normalization normalization;
    private final InputAffine affine;

    /**
     * @param name the dataset's name (mnist, fashion-mnist, digits, csv:PATH)
     * @param source where it was read from, for messages
     * @param test null if the dataset has no test split
     * @param classNames one per class, or null for "0", "1", ...
     */
    public DatasetSplits(String name, String source, Dataset train, Dataset test, List<String> classNames,
            Normalization normalization) {
        this(name, source, train, null, test, classNames, normalization);
    }

    private DatasetSplits(String name, String source, Dataset train, Dataset validation, Dataset test,
            List<String> classNames, Normalization normalization) {
        this.name = Objects.requireNonNull(name);
        this.source = source == null ? name : source;
        this.train = Objects.requireNonNull(train);
        this.validation = validation;
        this.test = test;
        for (Dataset d : new Dataset[] {validation, test}) {
            if (d != null && (d.features() != train.features() || d.classes() != train.classes()
                    || !Arrays.equals(d.shape(), train.shape()))) {
                throw new PcnException(name + ": split " + d.name() + " has shape " + Arrays.toString(d.shape())
                        + " and " + d.classes() + " classes, train has " + Arrays.toString(train.shape()) + " and "
                        + train.classes());
            }
        }
        if (classNames == null) {
            List<String> names = new ArrayList<>();
            for (int c = 0; c < train.classes(); c++) {
                names.add(Integer.toString(c));
            }
            classNames = names;
        } else if (classNames.size() != train.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + train.classes() + " classes");
        }
        this.classNames = Collections.unmodifiableList(new ArrayList<>(classNames));
        this.normalization = Objects.requireNonNull(normalization);
        this.affine = InputAffine.compute(normalization, train);
    }

    public String name() {
        return name;
    }

    /** Where the data came from (a folder, a file, or "embedded"). */
    public String source() {
        return source;
    }

    public Dataset train() {
        return train;
    }

    /** The validation split, or null unless made by {@link #withValidation}. */
    public Dataset validation() {
        return validation;
    }

    /** The test split, or null if the dataset has none (CSV files). */
    public Dataset test() {
        return test;
    }

    public boolean hasTest() {
        return test != null;
    }

    public int classes() {
        return train.classes();
    }

    public int features() {
        return train.features();
    }

    /** Sample shape, e.g. [28, 28]; a copy. */
    public int[] shape() {
        return train.shape();
    }

    /** The sample as an image [C, H, W] (see {@link Dataset#imageShape()}), or null for flat samples. */
    public int[] imageShape() {
        return train.imageShape();
    }

    /** One name per class ("0".."9" unless the dataset names them, as Fashion-MNIST does). */
    public List<String> classNames() {
        return classNames;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** Maps raw values to model inputs; statistics from the training split only. */
    public InputAffine inputAffine() {
        return affine;
    }

    /** The same data under another normalization (statistics recomputed from the training split). */
    public DatasetSplits withNormalization(Normalization n) {
        return new DatasetSplits(name, source, train, validation, test, classNames, n);
    }

    /**
     * Moves a random {@code fraction} of the training samples (chosen by {@code seed}, the same on
     * every run) into a validation split; the rest stays the training split, and the normalization
     * statistics are recomputed from it. Both keep the original sample order.
     */
    public DatasetSplits withValidation(double fraction, long seed) {
        if (validation != null) {
            throw new IllegalStateException(name + " already has a validation split");
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new PcnException("validation fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
        int[][] split = validationSplit(name, train.size(), fraction, seed);
        return new DatasetSplits(name, source, train.subset(name + "/train", split[0]),
                train.subset(name + "/validation", split[1]), test, classNames, normalization);
    }

    /**
     * The rows {@link #withValidation} keeps for training ([0]) and holds out ([1]) of {@code n},
     * each ascending: for a distributed worker that holds only its own rows of the table.
     */
    public static int[][] validationSplit(String name, int n, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new PcnException("validation fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
        int nv = (int) Math.round(n * fraction);
        if (nv < 1 || nv >= n) {
            throw new PcnException(name + ": a validation fraction of " + fraction + " of " + n
                    + " training samples leaves an empty split");
        }
        int[] perm = Batches.permutation(n, new SplittableRandom(seed));
        int[] val = Arrays.copyOf(perm, nv);
        int[] rest = Arrays.copyOfRange(perm, nv, n);
        Arrays.sort(val);
        Arrays.sort(rest);
        return new int[][] {rest, val};
    }

    /** Mini-batches of {@code split} (one of this object's splits) mapped by {@link #inputAffine()}. */
    public Batches batches(Dataset split, int batchSize, boolean shuffle, long seed) {
        return new Batches(split, affine, batchSize, shuffle, seed);
    }

    @Override
    public String toString() {
        return name + "(train " + train.size() + (validation == null ? "" : ", validation " + validation.size())
                + (test == null ? "" : ", test " + test.size()) + ")";
    }
}

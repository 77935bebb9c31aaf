package org.pcn4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.pcn4j.PcnException;

/**
 * Where a downloadable dataset lives: a base URL and its files, each with the SHA-256 of its
 * uncompressed content. Checking the content rather than the .gz bytes accepts any mirror that
 * recompressed the files. Immutable.
 */
public final class DatasetSource {
    /**
     * One file: its name under the base URL and the SHA-256 (hex) of its uncompressed bytes, or, for
     * an archive ({@link #archive}), of the file exactly as published.
     */
    public static final class RemoteFile {
        private final String name;
        private final String sha256;
        private final boolean ofFileBytes;

        public RemoteFile(String name, String sha256) {
            this(name, sha256, false);
        }

        /**
         * An archive checked byte for byte (its uncompressed tar has no published hash; the
         * .tar.gz has, so a mirror must serve the identical file).
         */
        public static RemoteFile archive(String name, String sha256) {
            return new RemoteFile(name, sha256, true);
        }

        private RemoteFile(String name, String sha256, boolean ofFileBytes) {
            this.ofFileBytes = ofFileBytes;
            this.name = Objects.requireNonNull(name);
            this.sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!this.sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256: " + sha256);
            }
        }

        public String name() {
            return name;
        }

        public String sha256() {
            return sha256;
        }

        /** True if {@link #sha256()} is of the file's bytes as published rather than of its content. */
        public boolean ofFileBytes() {
            return ofFileBytes;
        }
    }

    /*
     * The published .gz files of MNIST on the ossci mirror have these SHA-256 (for reference; the
     * check is on the content): train-images 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609,
     * train-labels 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c,
     * t10k-images 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6,
     * t10k-labels f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6.
     */

    /** MNIST (Y. LeCun, C. Cortes; CC BY-SA 3.0) on the mirror torchvision uses. */
    public static final DatasetSource MNIST = new DatasetSource("mnist",
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz",
                            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")));

    /** Fashion-MNIST (Zalando Research; MIT) on Zalando's S3 bucket. */
    public static final DatasetSource FASHION_MNIST = new DatasetSource("fashion-mnist",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz",
                            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")));

    /**
     * CIFAR-10 (A. Krizhevsky, 2009), binary version, from its author's page: 170,052,171 bytes,
     * MD5 c32a1d4ab5d03f1284b67883e8d87530 as the page lists. The SHA-256 is the published one (as
     * TensorFlow Datasets and torchvision ports record it); it could not be re-checked offline here.
     */
    public static final DatasetSource CIFAR10 = new DatasetSource("cifar10", "https://www.cs.toronto.edu/~kriz/",
            List.of(RemoteFile.archive(Cifar10.ARCHIVE,
                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")));

    private final String name;
    private final String baseUrl;
    private final List<RemoteFile> files;

    public DatasetSource(String name, String baseUrl, List<RemoteFile> files) {
        this.name = Objects.requireNonNull(name);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
    }

    /** The downloadable dataset called {@code name} (mnist, fashion-mnist or cifar10). */
    public static DatasetSource forName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals(MNIST.name)) {
            return MNIST;
        }
        if (n.equals(FASHION_MNIST.name)) {
            return FASHION_MNIST;
        }
        if (n.equals(CIFAR10.name)) {
            return CIFAR10;
        }
        if (n.equals("digits")) {
            throw new PcnException("digits is built into pcn4j; there is nothing to download");
        }
        throw new PcnException("cannot download '" + name + "' (downloadable: mnist, fashion-mnist, cifar10)");
    }

    public String name() {
        return name;
    }

    /** Ends with '/'. */
    public String baseUrl() {
        return baseUrl;
    }

    public List<RemoteFile> files() {
        return files;
    }

    /** The same files from another place (a mirror, or a test server). */
    public DatasetSource withBaseUrl(String url) {
        return new DatasetSource(name, url, files);
    }
}

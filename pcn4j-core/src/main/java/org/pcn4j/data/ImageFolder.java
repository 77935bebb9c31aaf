package org.pcn4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.pcn4j.PcnException;
import org.pcn4j.util.AtomicFiles;

/**
 * torchvision's ImageFolder layout: {@code DIR/train/<class>/*.png|jpg|jpeg} and, optionally,
 * {@code DIR/test/<class>/*}. Class names are the training split's sub-folders, sorted (labels are
 * their indices; a test folder may lack classes but not add any). Every image must have the size of
 * the first; a class folder with no image is an error. Images are decoded once with javax.imageio
 * to bytes: [1, H, W] if all are greyscale, else [3, H, W] (CHW, greyscale replicated, alpha dropped,
 * colours as sRGB). Other files in the class folders are ignored.
 *
 * <p>Cache: the decoded bytes are kept in {@code CACHE/<16 hex digits of the folder's path
 * hash>/images.bin} (CACHE is {@code cacheRoot()/imagefolder}) with a fingerprint of every file's
 * path, size and modification time; a later load with the same fingerprint reads that file instead
 * of decoding again. Writing the cache is best effort (a read-only home only costs the decode).
 */
final class ImageFolder {
    private static final String MAGIC = "PCN4JIF1";
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFolder() {}

    private record Split(List<Path> files, int[] labels) {}

    static DatasetSplits load(Path dir, Normalization normalization, Path cacheDir) {
        String name = "imagefolder:" + dir;
        if (!Files.isDirectory(dir)) {
            throw new PcnException(name + ": " + dir + (Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        Path trainDir = dir.resolve("train");
        if (!Files.isDirectory(trainDir)) {
            throw new PcnException(name + ": " + trainDir + " does not exist (expected DIR/train/<class>/*.png|jpg)");
        }
        List<String> classes = subfolders(trainDir);
        if (classes.isEmpty()) {
            throw new PcnException(name + ": " + trainDir + " has no class folders");
        }
        Split train = list(trainDir, classes, true);
        Path testDir = dir.resolve("test");
        Split test = null;
        if (Files.isDirectory(testDir)) {
            List<String> tc = subfolders(testDir);
            for (String c : tc) {
                if (!classes.contains(c)) {
                    throw new PcnException(name + ": " + testDir.resolve(c) + " is a class that " + trainDir
                            + " does not have");
                }
            }
            if (tc.isEmpty()) {
                throw new PcnException(name + ": " + testDir + " has no class folders");
            }
            test = list(testDir, tc, false);
            // Labels are indices into the training split's classes.
            int[] relabel = new int[tc.size()];
            for (int i = 0; i < tc.size(); i++) {
                relabel[i] = classes.indexOf(tc.get(i));
            }
            for (int i = 0; i < test.labels.length; i++) {
                test.labels[i] = relabel[test.labels[i]];
            }
        }
        List<Path> all = new ArrayList<>(train.files);
        if (test != null) {
            all.addAll(test.files);
        }
        String fingerprint = fingerprint(dir, all, train.files.size(), classes);
        Path cacheFile = cacheDir == null ? null : cacheDir.resolve(hex(sha256(dir.toAbsolutePath().normalize()
                .toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16)).resolve("images.bin");
        Cached c = cacheFile == null ? null : readCache(cacheFile, fingerprint);
        if (c == null) {
            c = decode(name, all, train.files.size());
            if (cacheFile != null) {
                writeCache(cacheFile, fingerprint, c);
            }
        }
        int per = c.shape[0] * c.shape[1] * c.shape[2];
        int nTrain = train.files.size();
        byte[] trainPx = java.util.Arrays.copyOf(c.pixels, nTrain * per);
        Dataset tr = Dataset.ofBytes(name + "/train", c.shape, trainPx, train.labels, classes.size(), 255);
        Dataset te = null;
        if (test != null) {
            byte[] testPx = java.util.Arrays.copyOfRange(c.pixels, nTrain * per, all.size() * per);
            te = Dataset.ofBytes(name + "/test", c.shape, testPx, test.labels, classes.size(), 255);
        }
        return new DatasetSplits(name, dir.toString(), tr, te, classes,
                normalization == null ? Normalization.SCALE01 : normalization);
    }

    private static List<String> subfolders(Path dir) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p) && !n.startsWith(".")) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new PcnException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
        Collections.sort(out);
        return out;
    }

    private static Split list(Path splitDir, List<String> classes, boolean train) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path cd = splitDir.resolve(classes.get(c));
            List<Path> imgs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(cd)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (Files.isRegularFile(p) && !n.startsWith(".") && EXTENSIONS.stream().anyMatch(n::endsWith)) {
                        imgs.add(p);
                    }
                }
            } catch (IOException e) {
                throw new PcnException(cd + ": cannot list (" + e.getMessage() + ")", e);
            }
            if (imgs.isEmpty()) {
                throw new PcnException("imagefolder: class folder " + cd + " has no .png or .jpg images");
            }
            Collections.sort(imgs);
            for (Path p : imgs) {
                files.add(p);
                labels.add(c);
            }
        }
        return new Split(files, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The decoded images of both splits, train first: [count, C, H, W] bytes. */
    private record Cached(int[] shape, byte[] pixels) {}

    private static Cached decode(String name, List<Path> files, int nTrain) {
        ImageIO.setUseCache(false); // decode in memory, no temporary files
        int n = files.size();
        byte[][] planes = new byte[n][];
        boolean[] grey = new boolean[n];
        int[][] size = new int[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            Path f = files.get(i);
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException e) {
                throw new PcnException(f + ": cannot decode (" + String.valueOf(e.getMessage()).replace('\n', ' ')
                        + ")", e);
            }
            if (img == null) {
                throw new PcnException(f + ": not an image javax.imageio can decode");
            }
            size[i] = new int[] {img.getHeight(), img.getWidth()};
            grey[i] = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                    && img.getColorModel().getNumColorComponents() == 1;
            planes[i] = grey[i] ? greyBytes(img) : rgbBytes(img);
        });
        int h = size[0][0];
        int w = size[0][1];
        boolean allGrey = true;
        for (int i = 0; i < n; i++) {
            if (size[i][0] != h || size[i][1] != w) {
                throw new PcnException(name + ": " + files.get(i) + " is " + size[i][1] + "x" + size[i][0]
                        + " (width x height) but " + files.get(0) + " is " + w + "x" + h
                        + "; all images must have one size");
            }
            allGrey &= grey[i];
        }
        int c = allGrey ? 1 : 3;
        int plane = h * w;
        byte[] px = new byte[Math.multiplyExact(n, c * plane)];
        for (int i = 0; i < n; i++) {
            byte[] p = planes[i];
            int base = i * c * plane;
            if (c == 3 && grey[i]) {
                for (int k = 0; k < 3; k++) {
                    System.arraycopy(p, 0, px, base + k * plane, plane);
                }
            } else {
                System.arraycopy(p, 0, px, base, p.length);
            }
            planes[i] = null;
        }
        return new Cached(new int[] {c, h, w}, px);
    }

    private static byte[] greyBytes(BufferedImage img) {
        Raster r = img.getRaster();
        int h = img.getHeight();
        int w = img.getWidth();
        int bits = img.getColorModel().getComponentSize(0);
        int max = (1 << bits) - 1;
        byte[] out = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = r.getSample(x, y, 0);
                out[y * w + x] = (byte) (bits == 8 ? v : (v * 255 + max / 2) / max);
            }
        }
        return out;
    }

    private static byte[] rgbBytes(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            int v = argb[i];
            out[i] = (byte) (v >> 16);
            out[plane + i] = (byte) (v >> 8);
            out[2 * plane + i] = (byte) v;
        }
        return out;
    }

    private static String fingerprint(Path dir, List<Path> files, int nTrain, List<String> classes) {
        MessageDigest md = sha256Digest();
        update(md, MAGIC + "|" + nTrain + "|" + String.join("/", classes));
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                update(md, "|" + dir.relativize(f) + "|" + a.size() + "|" + a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                throw new PcnException(f + ": cannot read (" + e.getMessage() + ")", e);
            }
        }
        return hex(md.digest());
    }

    private static Cached readCache(Path file, String fingerprint) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length()];
            in.readFully(magic);
            if (!new String(magic, StandardCharsets.US_ASCII).equals(MAGIC) || !in.readUTF().equals(fingerprint)) {
                return null;
            }
            int[] shape = {in.readInt(), in.readInt(), in.readInt()};
            int count = in.readInt();
            byte[] px = new byte[Math.multiplyExact(count, shape[0] * shape[1] * shape[2])];
            in.readFully(px);
            return new Cached(shape, px);
        } catch (IOException | RuntimeException e) {
            return null; // a damaged cache is decoded again and rewritten
        }
    }

    private static void writeCache(Path file, String fingerprint, Cached c) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, out -> {
                DataOutputStream d = new DataOutputStream(out);
                d.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
                d.writeUTF(fingerprint);
                for (int s : c.shape) {
                    d.writeInt(s);
                }
                d.writeInt(c.pixels.length / (c.shape[0] * c.shape[1] * c.shape[2]));
                d.write(c.pixels);
                d.flush();
            });
        } catch (IOException | RuntimeException e) {
            // best effort: see the class comment
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        return sha256Digest().digest(b);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}

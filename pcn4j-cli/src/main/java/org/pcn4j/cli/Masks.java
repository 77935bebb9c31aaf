package org.pcn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pcn4j.PcnException;
import org.pcn4j.data.Idx;

/** The {@code --clamp} argument of the query commands: which pixels of each cue are known. */
final class Masks {
    private Masks() {}

    /**
     * The mask for n cues of rows x cols pixels, 1 where a pixel is known: {@code top-half},
     * {@code left-half}, a MASK.idx file (non-zero where known; one mask for all cues or one per
     * cue), or null for {@code none} (nothing is known exactly: the cue is a noisy image).
     */
    static float[] parse(String clamp, int n, int rows, int cols) {
        int f = rows * cols;
        float[] m = new float[n * f];
        switch (clamp) {
            case "none":
                return null;
            case "top-half":
            case "left-half":
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            boolean known = clamp.equals("top-half") ? r < rows / 2 : c < cols / 2;
                            m[i * f + r * cols + c] = known ? 1f : 0f;
                        }
                    }
                }
                return m;
            default:
                Path file = Path.of(clamp);
                if (!Files.exists(file)) {
                    throw new PcnException("--clamp " + clamp + ": expected top-half, left-half, none or a MASK.idx file"
                            + " (no such file)");
                }
                Idx.Images im = Idx.readImages(file);
                if (im.rows() != rows || im.cols() != cols) {
                    throw new PcnException(file + ": masks are " + im.rows() + "x" + im.cols() + ", the model's images are "
                            + rows + "x" + cols);
                }
                if (im.count() != 1 && im.count() != n) {
                    throw new PcnException(file + ": has " + im.count() + " masks for " + n
                            + " cues (give one mask, or one per cue)");
                }
                byte[] p = im.pixels();
                for (int i = 0; i < n; i++) {
                    int src = im.count() == 1 ? 0 : i;
                    for (int j = 0; j < f; j++) {
                        m[i * f + j] = p[src * f + j] != 0 ? 1f : 0f;
                    }
                }
                return m;
        }
    }
}

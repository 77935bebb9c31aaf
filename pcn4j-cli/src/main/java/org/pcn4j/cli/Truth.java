package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.Idx;
import org.pcn4j.util.Json;

/**
 * {@code --truth X.idx} of the completion commands: the error of the written images against the
 * true ones, on pixels scaled to [0, 1] by {@code --pixel-max} (255 for uint8 images), over the
 * whole image and over the pixels that were not known.
 */
final class Truth {
    @picocli.CommandLine.Option(names = "--truth", paramLabel = "TRUE.idx",
            description = "The true images: print JSON with the MSE on [0,1] pixels (all, and hidden_mse on the unknown ones).")
    Path truth;

    @picocli.CommandLine.Option(names = "--pixel-max", defaultValue = "255", paramLabel = "V",
            description = "Pixel value that maps to 1 for --truth (default: ${DEFAULT-VALUE}).")
    double pixelMax;

    /** Prints the report when --truth was given. */
    void print(byte[] px, float[] mask, int n, int rows, int cols) {
        if (truth != null) {
            System.out.println(report(truth, px, mask, n, rows, cols, pixelMax));
        }
    }

    /** One JSON line: count, mse, and hidden_mse when a mask says which pixels were known. */
    static String report(Path truth, byte[] px, float[] mask, int n, int rows, int cols, double pixelMax) {
        if (!(pixelMax > 0)) {
            throw new PcnException("--pixel-max must be > 0, got " + pixelMax);
        }
        Idx.Images t = Idx.readImages(truth);
        if (t.count() != n || t.rows() != rows || t.cols() != cols) {
            throw new PcnException(truth + ": holds " + t.count() + " images of " + t.rows() + "x" + t.cols() + ", the output "
                    + n + " of " + rows + "x" + cols);
        }
        byte[] tp = t.pixels();
        double all = 0;
        double hidden = 0;
        long hiddenCount = 0;
        for (int i = 0; i < n * rows * cols; i++) {
            double e = ((px[i] & 0xFF) - (tp[i] & 0xFF)) / pixelMax;
            all += e * e;
            if (mask != null && mask[i] == 0f) {
                hidden += e * e;
                hiddenCount++;
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("count", n);
        o.put("mse", all / ((double) n * rows * cols));
        if (mask != null) {
            o.put("hidden_mse", hiddenCount == 0 ? 0.0 : hidden / hiddenCount);
        }
        return Json.write(o);
    }
}

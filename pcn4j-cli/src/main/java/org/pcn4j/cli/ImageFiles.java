package org.pcn4j.cli;

import java.nio.file.Path;
import org.pcn4j.data.Idx;
import org.pcn4j.data.InputAffine;

/** Images a query produced, as IDX uint8 files with a PNG grid beside them. */
final class ImageFiles {
    private ImageFiles() {}

    /**
     * Maps b model-space images (b x f) back through the inverse input affine to pixels 0..255,
     * into {@code px} from image number {@code first} on.
     */
    static void toPixels(float[] img, int b, int f, InputAffine affine, byte[] px, int first) {
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < f; j++) {
                float raw = affine.invert(j, img[i * f + j]);
                int v = Float.isFinite(raw) ? Math.max(0, Math.min(255, Math.round(raw))) : 0;
                px[(first + i) * f + j] = (byte) v;
            }
        }
    }

    /**
     * Writes n images of rows x cols pixels as IDX and, for n > 0, a PNG grid beside it (NAME.png,
     * scaled to the brightest pixel, ten images a row, labelled with their numbers). Returns the PNG's path, or null when nothing was drawn.
     */
    static Path write(Path out, byte[] px, int n, int rows, int cols) {
        Idx.writeImages(out, n, rows, cols, px);
        if (n == 0) {
            return null;
        }
        int f = rows * cols;
        int max = 1;
        for (int i = 0; i < n * f; i++) {
            max = Math.max(max, px[i] & 0xFF);
        }
        float[][] grid = new float[n][f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                grid[i][j] = (px[i * f + j] & 0xFF) / (float) max;
            }
        }
        String name = out.getFileName().toString();
        Path png = out.resolveSibling((name.endsWith(".idx") ? name.substring(0, name.length() - 4) : name) + ".png");
        // Rows are labelled with their first image's number and columns with the offset in the row,
        // so image i of the IDX file sits at row label + column label.
        int gc = Math.min(n, 10);
        java.util.List<String> rowLabels = new java.util.ArrayList<>();
        for (int r = 0; r * gc < n; r++) {
            rowLabels.add(Integer.toString(r * gc));
        }
        java.util.List<String> colLabels = new java.util.ArrayList<>();
        for (int c = 0; c < gc; c++) {
            colLabels.add("+" + c);
        }
        Plot.imageGrid(png, grid, rows, cols, gc, rows >= 20 ? 2 : 4, rowLabels, colLabels);
        return png;
    }

    /** IDX pixels (n x f, uint8) mapped by the input affine to what the image node sees. */
    static float[] toModel(Idx.Images im, InputAffine affine) {
        int f = im.rows() * im.cols();
        byte[] px = im.pixels();
        float[] x = new float[im.count() * f];
        for (int i = 0; i < im.count(); i++) {
            for (int j = 0; j < f; j++) {
                x[i * f + j] = affine.apply(j, px[i * f + j] & 0xFF);
            }
        }
        return x;
    }

    /**
     * Image shape for output: a model's {@code image_shape} metadata (a JSON pair) when it fits
     * {@code size} values, else square when size is a square, else 1 x size.
     */
    static int[] shape(String imageShapeJson, int size) {
        if (imageShapeJson != null) {
            Object parsed = org.pcn4j.util.Json.parse(imageShapeJson);
            java.util.List<?> l = parsed instanceof java.util.List ? (java.util.List<?>) parsed : java.util.List.of();
            if (l.size() == 2 && l.get(0) instanceof Long && l.get(1) instanceof Long) { // (model files check it)
                long r = (Long) l.get(0);
                long c = (Long) l.get(1);
                if (r > 0 && c > 0 && r * c == size) {
                    return new int[] {(int) r, (int) c};
                }
            }
        }
        int side = (int) Math.round(Math.sqrt(size));
        return side * side == size ? new int[] {side, side} : new int[] {1, size};
    }
}
